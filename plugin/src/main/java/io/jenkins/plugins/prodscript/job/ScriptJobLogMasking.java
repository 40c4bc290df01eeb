package io.jenkins.plugins.prodscript.job;

import hudson.Extension;
import hudson.console.ConsoleLogFilter;
import hudson.model.Run;
import io.jenkins.plugins.prodscript.target.PasswordMask;
import java.io.OutputStream;

/**
 * Masks, in the log of every "Run Production Script" build, the passwords of the targets its job may use. Jenkins
 * applies global {@link ConsoleLogFilter}s to the builds of {@code AbstractProject}s such as this job type; Pipeline
 * builds do not apply them (see {@code TaskListenerDecorator#apply} in workflow-api), so the Pipeline steps mask
 * their own output with the same mask, and the rest of a Pipeline stays unmasked: one more reason production targets
 * admit only this job type by default.
 */
@Extension
public final class ScriptJobLogMasking extends ConsoleLogFilter {
    @Override
    public OutputStream decorateLogger(Run build, OutputStream logger) {
        if (build != null && build.getParent() instanceof ScriptRunProject project) {
            return PasswordMask.wrap(logger, project.getAllowedTargets(), build.getCharset());
        }
        return logger;
    }
}
