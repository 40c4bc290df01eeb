package io.jenkins.plugins.prodscript.target;

import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.Extension;
import hudson.ExtensionList;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import jenkins.model.GlobalConfiguration;
import net.sf.json.JSONObject;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.StaplerRequest2;

/**
 * The target databases, configured under <em>Manage Jenkins » System » Production Script Runner</em> or as
 * {@code unclassified: productionScripts: targets: [...]} in Configuration as Code. Jobs and Pipelines name a target;
 * its approvals and timeouts apply whatever they say.
 *
 * <p>The configuration is applied as a whole or not at all: one invalid target (a URL carrying a login, two targets
 * of the same name, ...) refuses the whole list, in the form and in JCasC alike, and nothing is saved.
 */
@Extension
@Symbol("productionScripts")
public class ProductionScriptTargets extends GlobalConfiguration {
    /** An {@link ArrayList} because XStream cannot read back the JDK's immutable lists; replaced, never changed. */
    private volatile ArrayList<TargetDatabase> targets = new ArrayList<>();

    public ProductionScriptTargets() {
        load();
    }

    public static ProductionScriptTargets get() {
        return ExtensionList.lookupSingleton(ProductionScriptTargets.class);
    }

    @NonNull
    @Override
    public String getDisplayName() {
        return "Production Script Runner";
    }

    /** The targets in the order configured; an unmodifiable copy. */
    public List<TargetDatabase> getTargets() {
        ArrayList<TargetDatabase> current = targets;
        return current == null ? List.of() : List.copyOf(current);
    }

    /**
     * Replaces every target and saves.
     *
     * @throws IllegalArgumentException naming every problem, when any target is invalid or two share a name; the
     *                                  configuration is then left as it was
     */
    @DataBoundSetter
    public void setTargets(List<TargetDatabase> targets) {
        List<TargetDatabase> given = targets == null ? List.of() : targets;
        List<String> problems = problems(given);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join(" ", problems));
        }
        this.targets = new ArrayList<>(given);
        save();
    }

    /** The configured target names, in order. */
    public List<String> names() {
        return getTargets().stream().map(TargetDatabase::getName).toList();
    }

    /** The target called {@code name}, if configured (not {@code find}: {@code Descriptor} has a static {@code find(String)}). */
    public Optional<TargetDatabase> named(String name) {
        return getTargets().stream().filter(t -> t.getName().equals(name)).findFirst();
    }

    /**
     * The target called {@code name}.
     *
     * @throws AbortException when there is none by that name; the message does not list the configured targets, which
     *                        a Pipeline author probing names has no need to learn
     */
    public TargetDatabase require(String name) throws AbortException {
        Optional<TargetDatabase> target = named(name);
        if (target.isEmpty()) {
            throw new AbortException("Unknown target '" + name + "'. Ask an administrator for the targets this job may"
                    + " use. Nothing was run.");
        }
        return target.get();
    }

    /**
     * Binds the submitted list itself: Stapler does not call the setter when the last target was removed, which
     * would silently keep it (see the note in core's {@code repeatableProperty.jelly}).
     */
    @Override
    public boolean configure(StaplerRequest2 req, JSONObject json) throws FormException {
        try {
            setTargets(req.bindJSONToList(TargetDatabase.class, json.opt("targets")));
        } catch (IllegalArgumentException e) {
            // setTargets checked every target and changed nothing; the form shows its problems.
            throw new FormException(e.getMessage(), "targets");
        }
        return true;
    }

    /** Every problem of every target, each prefixed with the target's name, and repeated names. */
    static List<String> problems(List<TargetDatabase> targets) {
        List<String> problems = new ArrayList<>();
        for (TargetDatabase target : targets) {
            String label = target.getName().isEmpty() ? "A target without a name" : "Target '" + target.getName() + "'";
            target.problems().forEach(p -> problems.add(label + ": " + p));
        }
        Map<String, String> tierOf = new HashMap<>();
        targets.forEach(t -> tierOf.putIfAbsent(t.getName(), t.getTier()));
        for (TargetDatabase target : targets) {
            TargetRules.rehearseOnProblem(target.getName(), target.getRehearseOn(), tierOf)
                    .ifPresent(p -> problems.add("Target '" + target.getName() + "': " + p));
        }
        List<String> repeated = TargetRules.duplicateNames(targets.stream().map(TargetDatabase::getName).toList());
        if (!repeated.isEmpty()) {
            problems.add("Target names must be unique; repeated: " + String.join(", ", repeated) + ".");
        }
        return problems;
    }
}
