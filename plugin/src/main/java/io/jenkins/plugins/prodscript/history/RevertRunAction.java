package io.jenkins.plugins.prodscript.history;

import edu.umd.cs.findbugs.annotations.CheckForNull;
import hudson.AbortException;
import hudson.model.Action;
import hudson.model.Cause;
import hudson.model.CauseAction;
import hudson.model.Item;
import hudson.model.Queue;
import hudson.model.Run;
import jenkins.model.ParameterizedJobMixIn;
import org.kohsuke.stapler.HttpResponse;
import org.kohsuke.stapler.HttpResponses;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.interceptor.RequirePOST;

/**
 * "Revert this run" on a committed run's page. It does not revert anything itself: it starts a new build of the same
 * job in revert mode, which is planned, rehearsed and approved like any other run.
 */
public final class RevertRunAction implements Action {
    static final String URL_NAME = "revert";

    private final Run<?, ?> run;
    private final ScriptRunRow row;

    RevertRunAction(Run<?, ?> run, ScriptRunRow row) {
        this.run = run;
        this.row = row;
    }

    public Run<?, ?> getRun() {
        return run;
    }

    /** Whether the job can revert with triggers suppressed (it defines the parameter), so the page offers it. */
    public boolean isSuppressTriggersOffered() {
        try {
            RevertParameters.forRevertOf(run, row, true);
            return true;
        } catch (AbortException | IllegalArgumentException e) {
            return false;
        }
    }

    /** The run to revert, as the history shows it. */
    public ScriptRunRow getRow() {
        return row;
    }

    /**
     * Schedules the revert build as the current user, who becomes its requester.
     *
     * @param suppressTriggers put the rows back with the target's triggers suppressed (the page's explicit checkbox)
     */
    @RequirePOST
    public HttpResponse doSchedule(@QueryParameter boolean suppressTriggers) {
        run.getParent().checkPermission(Item.BUILD);
        Queue.Item item;
        try {
            item = ParameterizedJobMixIn.scheduleBuild2(run.getParent(), 0, RevertParameters.forRevertOf(run, row, suppressTriggers),
                    new CauseAction(new Cause.UserIdCause()));
        } catch (AbortException | IllegalArgumentException e) {
            throw HttpResponses.errorWithoutStack(409, "Cannot start a revert: " + e.getMessage());
        }
        if (item == null) {
            throw HttpResponses.errorWithoutStack(409,
                    "Jenkins did not schedule the revert build; the job may be disabled or not buildable.");
        }
        return HttpResponses.redirectTo("../../");
    }

    /** Shown only to those who could start the revert. */
    @Override
    public @CheckForNull String getIconFileName() {
        return run.getParent().hasPermission(Item.BUILD) ? "symbol-arrow-left" : null;
    }

    @Override
    public String getDisplayName() {
        return "Revert this run";
    }

    @Override
    public String getUrlName() {
        return URL_NAME;
    }
}
