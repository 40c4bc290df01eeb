package io.jenkins.plugins.prodscript.target;

import com.cloudbees.plugins.credentials.CredentialsMatchers;
import com.cloudbees.plugins.credentials.CredentialsScope;
import com.cloudbees.plugins.credentials.common.StandardListBoxModel;
import com.cloudbees.plugins.credentials.common.StandardUsernamePasswordCredentials;
import edu.umd.cs.findbugs.annotations.NonNull;
import hudson.AbortException;
import hudson.Extension;
import hudson.ExtensionList;
import hudson.Util;
import hudson.model.Describable;
import hudson.model.Descriptor;
import hudson.security.ACL;
import hudson.util.FormValidation;
import hudson.util.ListBoxModel;
import io.prodscript.engine.ScriptEngine;
import io.prodscript.engine.approval.ApprovalPolicy;
import io.prodscript.engine.execution.ConnectionLimits;
import io.prodscript.engine.execution.DatabaseTarget;
import io.prodscript.engine.ledger.LedgerNotInstalled;
import io.prodscript.engine.ledger.SchemaInstallation;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import jenkins.model.Jenkins;
import org.jenkinsci.Symbol;
import org.kohsuke.stapler.DataBoundConstructor;
import org.kohsuke.stapler.DataBoundSetter;
import org.kohsuke.stapler.QueryParameter;
import org.kohsuke.stapler.interceptor.RequirePOST;
import org.kohsuke.stapler.verb.POST;

/**
 * One database scripts may run against, as an administrator configured it under <em>Manage Jenkins » System</em> or
 * in Configuration as Code. It holds no secret: the login is a credential id resolved per build.
 *
 * <p>Every setting is a plain field with a getter and a {@code @DataBoundSetter}, so the form, JCasC and
 * {@code config.xml} all round-trip it; a setting added later needs only a field, its getter and setter, a rule in
 * {@link #problems()} and a form entry with its help file. The settings are checked as a whole when the
 * configuration is applied ({@link ProductionScriptTargets#setTargets}), so an invalid target is never saved.
 */
public final class TargetDatabase implements Describable<TargetDatabase> {
    static final int MAX_REQUIRED_APPROVALS = 10;
    static final int MAX_WAIT_HOURS = 24 * 31;
    /** How long a run waits for approvals when the target sets no maximum: no wait is unbounded. */
    static final int DEFAULT_MAX_WAIT_HOURS = 24;
    static final int MAX_STATEMENT_TIMEOUT_SECONDS = 24 * 60 * 60;
    static final int MAX_LOCK_TIMEOUT_SECONDS = 60 * 60;
    static final int MAX_RESCUE_RETENTION_DAYS = 10 * 366;
    /** PostgreSQL keeps its timeouts as milliseconds in a 32-bit integer: about 24 days. */
    static final int MAX_SERVER_TIMEOUT_SECONDS = Integer.MAX_VALUE / 1000;
    static final int MAX_CONNECT_TIMEOUT_SECONDS = 10 * 60;
    static final int MAX_SOCKET_TIMEOUT_SECONDS = 24 * 60 * 60;

    private final String name;
    private final String jdbcUrl;
    private final String credentialsId;
    private String tier = ApprovalPolicy.PRODUCTION_TIER;
    private int requiredApprovals;
    private String approvers = "";
    private String approverGroups = "";
    private int maxWaitHours;
    private int statementTimeoutSeconds = (int) DatabaseTarget.DEFAULT_STATEMENT_TIMEOUT.toSeconds();
    private int lockTimeoutSeconds = (int) DatabaseTarget.DEFAULT_LOCK_TIMEOUT.toSeconds();
    private int rescueRetentionDays = (int) DatabaseTarget.DEFAULT_RESCUE_RETENTION.toDays();
    private String allowedJobs = "";
    /** Null until set: then the tier decides (production: no Pipelines). */
    private Boolean allowPipelines;
    private String allowedAgentLabels = "";
    private String rehearseOn = "";
    private String rescueSchema = DatabaseTarget.DEFAULT_RESCUE_SCHEMA;
    private int connectTimeoutSeconds = defaultSeconds(ConnectionLimits.DEFAULTS.connectTimeout());
    private int socketTimeoutSeconds = defaultSeconds(ConnectionLimits.DEFAULTS.socketTimeout());
    private int ledgerLockTimeoutSeconds = defaultSeconds(ConnectionLimits.DEFAULTS.ledgerLockTimeout());
    private int idleInTransactionTimeoutSeconds = defaultSeconds(ConnectionLimits.DEFAULTS.idleInTransactionTimeout());
    /** An owner's login for installing the ledger (Prepare target); never used by a build. Empty: none configured. */
    private String ownerCredentialsId = "";

    /**
     * @param name          what jobs, Pipelines and approvers call the target, e.g. {@code prod-main}
     * @param jdbcUrl       a {@code jdbc:postgresql:} URL without any login in it
     * @param credentialsId the id of a Username with password credential
     */
    @DataBoundConstructor
    public TargetDatabase(String name, String jdbcUrl, String credentialsId) {
        this.name = strip(name);
        this.jdbcUrl = strip(jdbcUrl);
        this.credentialsId = strip(credentialsId);
    }

    public String getName() {
        return name;
    }

    public String getJdbcUrl() {
        return jdbcUrl;
    }

    public String getCredentialsId() {
        return credentialsId;
    }

    public String getTier() {
        return tier;
    }

    /** E.g. {@code production} or {@code staging}; blank means production, so forgetting it never lowers the bar. */
    @DataBoundSetter
    public void setTier(String tier) {
        this.tier = tier == null || tier.isBlank() ? ApprovalPolicy.PRODUCTION_TIER : tier.strip();
    }

    public int getRequiredApprovals() {
        return requiredApprovals;
    }

    /** Distinct approvals a run needs; 0 means the tier's default. */
    @DataBoundSetter
    public void setRequiredApprovals(int requiredApprovals) {
        this.requiredApprovals = requiredApprovals;
    }

    /** The approvals a run actually needs: the configured number, or the engine's default for the tier. */
    public int getEffectiveRequiredApprovals() {
        return requiredApprovals > 0 ? requiredApprovals : ApprovalPolicy.forTier(tier).requiredApprovals();
    }

    public String getApprovers() {
        return approvers;
    }

    /** User ids allowed to approve, comma-separated; empty (with no groups) means anyone with the permission. */
    @DataBoundSetter
    public void setApprovers(String approvers) {
        this.approvers = strip(approvers);
    }

    public List<String> approverList() {
        return TargetRules.splitList(approvers);
    }

    public String getApproverGroups() {
        return approverGroups;
    }

    /** Groups whose members may approve, comma-separated. */
    @DataBoundSetter
    public void setApproverGroups(String approverGroups) {
        this.approverGroups = strip(approverGroups);
    }

    public List<String> approverGroupList() {
        return TargetRules.splitList(approverGroups);
    }

    public int getMaxWaitHours() {
        return maxWaitHours;
    }

    /** Hours a run may wait for approvals before it expires without running; 0 means the default (24 hours). */
    @DataBoundSetter
    public void setMaxWaitHours(int maxWaitHours) {
        this.maxWaitHours = maxWaitHours;
    }

    /** The wait a run actually gets: the configured hours, or {@value #DEFAULT_MAX_WAIT_HOURS} when none is set. */
    public int getEffectiveMaxWaitHours() {
        return maxWaitHours > 0 ? maxWaitHours : DEFAULT_MAX_WAIT_HOURS;
    }

    public int getStatementTimeoutSeconds() {
        return statementTimeoutSeconds;
    }

    /** The statement timeout for scripts that set no {@code @statement-timeout}. */
    @DataBoundSetter
    public void setStatementTimeoutSeconds(int statementTimeoutSeconds) {
        this.statementTimeoutSeconds = statementTimeoutSeconds;
    }

    public int getLockTimeoutSeconds() {
        return lockTimeoutSeconds;
    }

    /** The lock timeout for scripts that set no {@code @lock-timeout}. */
    @DataBoundSetter
    public void setLockTimeoutSeconds(int lockTimeoutSeconds) {
        this.lockTimeoutSeconds = lockTimeoutSeconds;
    }

    public int getRescueRetentionDays() {
        return rescueRetentionDays;
    }

    /** How long rescue tables are kept unless the script says otherwise. */
    @DataBoundSetter
    public void setRescueRetentionDays(int rescueRetentionDays) {
        this.rescueRetentionDays = rescueRetentionDays;
    }

    public String getAllowedJobs() {
        return allowedJobs == null ? "" : allowedJobs;
    }

    /**
     * The jobs that may use this target: full names ({@code team/fix-accounts}) and folders ending in {@code /}
     * ({@code team/}), comma- or space-separated; empty admits every job of an admitted type.
     */
    @DataBoundSetter
    public void setAllowedJobs(String allowedJobs) {
        this.allowedJobs = strip(allowedJobs);
    }

    public List<String> allowedJobList() {
        return TargetRules.splitList(getAllowedJobs());
    }

    /**
     * Whether Pipelines ({@code runScript}) may use this target. Unless set, only production-tier targets refuse them:
     * in a Pipeline the script author's other steps run in the same build and on the same agent as the login.
     */
    public boolean isAllowPipelines() {
        return allowPipelines == null ? !TargetRules.isProduction(tier) : allowPipelines;
    }

    @DataBoundSetter
    public void setAllowPipelines(boolean allowPipelines) {
        this.allowPipelines = allowPipelines;
    }

    public String getAllowedAgentLabels() {
        return allowedAgentLabels == null ? "" : allowedAgentLabels;
    }

    /** Labels of the agents that may run scripts on this target (an agent's name counts); empty admits every agent. */
    @DataBoundSetter
    public void setAllowedAgentLabels(String allowedAgentLabels) {
        this.allowedAgentLabels = strip(allowedAgentLabels);
    }

    public List<String> allowedAgentLabelList() {
        return TargetRules.splitList(getAllowedAgentLabels());
    }

    public String getRehearseOn() {
        return rehearseOn == null ? "" : rehearseOn;
    }

    /**
     * Another (non-production) target on which this target's rehearsals run instead; empty rehearses on this target
     * itself, which for a production target needs the <em>Rehearse on production</em> permission.
     */
    @DataBoundSetter
    public void setRehearseOn(String rehearseOn) {
        this.rehearseOn = strip(rehearseOn);
    }

    public String getRescueSchema() {
        return rescueSchema;
    }

    /**
     * The schema rescue tables go to on this target ({@value DatabaseTarget#DEFAULT_RESCUE_SCHEMA} unless set); the
     * ledger's installation creates it and revokes PUBLIC's rights on it.
     */
    @DataBoundSetter
    public void setRescueSchema(String rescueSchema) {
        this.rescueSchema = rescueSchema == null || rescueSchema.isBlank() ? DatabaseTarget.DEFAULT_RESCUE_SCHEMA : rescueSchema.strip();
    }

    public int getConnectTimeoutSeconds() {
        return connectTimeoutSeconds;
    }

    /** How long opening a connection and logging in may take. */
    @DataBoundSetter
    public void setConnectTimeoutSeconds(int connectTimeoutSeconds) {
        this.connectTimeoutSeconds = connectTimeoutSeconds;
    }

    public int getSocketTimeoutSeconds() {
        return socketTimeoutSeconds;
    }

    /** How long the engine waits for an answer beyond the statement timeout before it counts the connection as lost. */
    @DataBoundSetter
    public void setSocketTimeoutSeconds(int socketTimeoutSeconds) {
        this.socketTimeoutSeconds = socketTimeoutSeconds;
    }

    public int getLedgerLockTimeoutSeconds() {
        return ledgerLockTimeoutSeconds;
    }

    /** {@code lock_timeout} for every ledger statement. */
    @DataBoundSetter
    public void setLedgerLockTimeoutSeconds(int ledgerLockTimeoutSeconds) {
        this.ledgerLockTimeoutSeconds = ledgerLockTimeoutSeconds;
    }

    public int getIdleInTransactionTimeoutSeconds() {
        return idleInTransactionTimeoutSeconds;
    }

    /** {@code idle_in_transaction_session_timeout} on a run's session. */
    @DataBoundSetter
    public void setIdleInTransactionTimeoutSeconds(int idleInTransactionTimeoutSeconds) {
        this.idleInTransactionTimeoutSeconds = idleInTransactionTimeoutSeconds;
    }

    public String getOwnerCredentialsId() {
        return ownerCredentialsId == null ? "" : ownerCredentialsId;
    }

    /**
     * The id of a System-scoped Username with password credential of a login that may create schemas in the target
     * database (an owner), used only by <em>Prepare target</em> to install or upgrade the ledger; empty when the ledger
     * is installed some other way ({@code prodscript install}).
     */
    @DataBoundSetter
    public void setOwnerCredentialsId(String ownerCredentialsId) {
        this.ownerCredentialsId = strip(ownerCredentialsId);
    }

    /**
     * What was last seen of this target's ledger from this controller (by <em>Prepare target</em> or <em>Test
     * connection</em>), for the configuration page; never queried while a page renders.
     */
    public String getLedgerStatus() {
        return LedgerStatuses.describe(name);
    }

    public boolean isProduction() {
        return TargetRules.isProduction(tier);
    }

    /** What is wrong with this target's settings, one sentence each; empty when it may be saved. */
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        TargetRules.nameProblem(name).ifPresent(problems::add);
        TargetRules.jdbcUrlProblem(jdbcUrl).ifPresent(problems::add);
        TargetRules.credentialsIdProblem(credentialsId).ifPresent(problems::add);
        TargetRules.rangeProblem("Required approvals", requiredApprovals, 0, MAX_REQUIRED_APPROVALS).ifPresent(problems::add);
        TargetRules.rangeProblem("Maximum wait (hours)", maxWaitHours, 0, MAX_WAIT_HOURS).ifPresent(problems::add);
        TargetRules.rangeProblem("Statement timeout (s)", statementTimeoutSeconds, 1, MAX_STATEMENT_TIMEOUT_SECONDS)
                .ifPresent(problems::add);
        TargetRules.rangeProblem("Lock timeout (s)", lockTimeoutSeconds, 1, MAX_LOCK_TIMEOUT_SECONDS).ifPresent(problems::add);
        TargetRules.rangeProblem("Rescue retention (days)", rescueRetentionDays, 1, MAX_RESCUE_RETENTION_DAYS)
                .ifPresent(problems::add);
        TargetRules.rescueSchemaProblem(rescueSchema).ifPresent(problems::add);
        TargetRules.rangeProblem("Connect timeout (s)", connectTimeoutSeconds, 1, MAX_CONNECT_TIMEOUT_SECONDS).ifPresent(problems::add);
        TargetRules.rangeProblem("Socket timeout (s)", socketTimeoutSeconds, 1, MAX_SOCKET_TIMEOUT_SECONDS).ifPresent(problems::add);
        TargetRules.rangeProblem("Ledger lock timeout (s)", ledgerLockTimeoutSeconds, 1, MAX_SERVER_TIMEOUT_SECONDS)
                .ifPresent(problems::add);
        TargetRules.rangeProblem("Idle in transaction timeout (s)", idleInTransactionTimeoutSeconds, 1, MAX_SERVER_TIMEOUT_SECONDS)
                .ifPresent(problems::add);
        return problems;
    }

    /** The connection settings to send to the agent that runs a script. */
    public TargetSettings settings() {
        return new TargetSettings(name, jdbcUrl, tier, statementTimeoutSeconds, lockTimeoutSeconds, rescueRetentionDays,
                rescueSchema, connectTimeoutSeconds, socketTimeoutSeconds, ledgerLockTimeoutSeconds,
                idleInTransactionTimeoutSeconds);
    }

    /**
     * Settings saved before a release that had them load as 0 or null (XStream runs no constructor or initializer):
     * they take the engine's defaults, as a new target does.
     */
    private Object readResolve() {
        if (rescueSchema == null || rescueSchema.isBlank()) {
            rescueSchema = DatabaseTarget.DEFAULT_RESCUE_SCHEMA;
        }
        connectTimeoutSeconds = orDefault(connectTimeoutSeconds, ConnectionLimits.DEFAULTS.connectTimeout());
        socketTimeoutSeconds = orDefault(socketTimeoutSeconds, ConnectionLimits.DEFAULTS.socketTimeout());
        ledgerLockTimeoutSeconds = orDefault(ledgerLockTimeoutSeconds, ConnectionLimits.DEFAULTS.ledgerLockTimeout());
        idleInTransactionTimeoutSeconds = orDefault(idleInTransactionTimeoutSeconds, ConnectionLimits.DEFAULTS.idleInTransactionTimeout());
        return this;
    }

    private static int orDefault(int seconds, Duration engineDefault) {
        return seconds == 0 ? defaultSeconds(engineDefault) : seconds;
    }

    private static int defaultSeconds(Duration engineDefault) {
        return (int) engineDefault.toSeconds();
    }

    private static String strip(String value) {
        return value == null ? "" : value.strip();
    }

    @Extension
    @Symbol("target")
    public static final class DescriptorImpl extends Descriptor<TargetDatabase> {
        @NonNull
        @Override
        public String getDisplayName() {
            return "Target database";
        }

        @POST
        public FormValidation doCheckName(@QueryParameter String value) {
            return check(TargetRules.nameProblem(value));
        }

        /** Never repeats the URL in its answer: it may carry the password it refuses. */
        @POST
        public FormValidation doCheckJdbcUrl(@QueryParameter String value) {
            return check(TargetRules.jdbcUrlProblem(value == null ? null : value.strip()));
        }

        @POST
        public FormValidation doCheckCredentialsId(@QueryParameter String value) {
            if (!mayAdminister()) {
                return FormValidation.ok();
            }
            Optional<String> problem = TargetRules.credentialsIdProblem(value);
            if (problem.isPresent()) {
                return FormValidation.error(problem.get());
            }
            return TargetCredentials.onController(value) == null
                    ? FormValidation.warning("No System-scoped Username with password credential with this id in the"
                            + " global credentials; builds will fail until one exists.")
                    : FormValidation.ok();
        }

        /** Blank is fine (the ledger is then installed some other way); a named credential must exist as builds' does. */
        @POST
        public FormValidation doCheckOwnerCredentialsId(@QueryParameter String value) {
            if (!mayAdminister() || value == null || value.isBlank()) {
                return FormValidation.ok();
            }
            return TargetCredentials.onController(value) == null
                    ? FormValidation.error("No System-scoped Username with password credential with this id in the"
                            + " global credentials; Prepare target cannot log in.")
                    : FormValidation.ok();
        }

        @POST
        public FormValidation doCheckRescueSchema(@QueryParameter String value) {
            return check(TargetRules.rescueSchemaProblem(value == null || value.isBlank()
                    ? DatabaseTarget.DEFAULT_RESCUE_SCHEMA : value.strip()));
        }

        @POST
        public FormValidation doCheckConnectTimeoutSeconds(@QueryParameter String value) {
            return checkNumber("Connect timeout (s)", value, 1, MAX_CONNECT_TIMEOUT_SECONDS);
        }

        @POST
        public FormValidation doCheckSocketTimeoutSeconds(@QueryParameter String value) {
            return checkNumber("Socket timeout (s)", value, 1, MAX_SOCKET_TIMEOUT_SECONDS);
        }

        @POST
        public FormValidation doCheckLedgerLockTimeoutSeconds(@QueryParameter String value) {
            return checkNumber("Ledger lock timeout (s)", value, 1, MAX_SERVER_TIMEOUT_SECONDS);
        }

        @POST
        public FormValidation doCheckIdleInTransactionTimeoutSeconds(@QueryParameter String value) {
            return checkNumber("Idle in transaction timeout (s)", value, 1, MAX_SERVER_TIMEOUT_SECONDS);
        }

        @POST
        public FormValidation doCheckRequiredApprovals(@QueryParameter String value) {
            return checkNumber("Required approvals", value, 0, MAX_REQUIRED_APPROVALS);
        }

        @POST
        public FormValidation doCheckMaxWaitHours(@QueryParameter String value) {
            return checkNumber("Maximum wait (hours)", value, 0, MAX_WAIT_HOURS);
        }

        @POST
        public FormValidation doCheckStatementTimeoutSeconds(@QueryParameter String value) {
            return checkNumber("Statement timeout (s)", value, 1, MAX_STATEMENT_TIMEOUT_SECONDS);
        }

        @POST
        public FormValidation doCheckLockTimeoutSeconds(@QueryParameter String value) {
            return checkNumber("Lock timeout (s)", value, 1, MAX_LOCK_TIMEOUT_SECONDS);
        }

        @POST
        public FormValidation doCheckRescueRetentionDays(@QueryParameter String value) {
            return checkNumber("Rescue retention (days)", value, 1, MAX_RESCUE_RETENTION_DAYS);
        }

        /**
         * The System-scoped Username with password credentials of the global store, the only ones builds accept; only
         * administrators may list them, others get the current value.
         */
        @POST
        public ListBoxModel doFillCredentialsIdItems(@QueryParameter String credentialsId) {
            return systemLogins(credentialsId);
        }

        /** The same choice as {@link #doFillCredentialsIdItems}, for the owner's login (empty: none). */
        @POST
        public ListBoxModel doFillOwnerCredentialsIdItems(@QueryParameter String ownerCredentialsId) {
            return systemLogins(ownerCredentialsId);
        }

        private static ListBoxModel systemLogins(String current) {
            StandardListBoxModel model = new StandardListBoxModel();
            if (!mayAdminister()) {
                model.includeCurrentValue(current);
                return model;
            }
            model.includeEmptyValue()
                    .includeMatchingAs(ACL.SYSTEM2, Jenkins.get(), StandardUsernamePasswordCredentials.class, List.of(),
                            CredentialsMatchers.withScope(CredentialsScope.SYSTEM))
                    .includeCurrentValue(current);
            return model;
        }

        /**
         * Logs in from the controller, with the credential exactly as builds look it up, and says what it reached. Needs Overall/Administer: it makes the controller
         * connect to an address given in the request with a stored credential.
         */
        @RequirePOST
        public FormValidation doTestConnection(@QueryParameter String name, @QueryParameter String jdbcUrl,
                                               @QueryParameter String credentialsId) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            String url = jdbcUrl == null ? "" : jdbcUrl.strip();
            Optional<String> problem = TargetRules.jdbcUrlProblem(url).or(() -> TargetRules.credentialsIdProblem(credentialsId));
            if (problem.isPresent()) {
                return FormValidation.error(problem.get());
            }
            DatabaseLogin login = TargetCredentials.onController(credentialsId);
            if (login == null) {
                return FormValidation.error("No System-scoped Username with password credential with id '" + credentialsId
                        + "' in the global credentials (the only kind builds accept).");
            }
            String targetName = name == null || name.isBlank() ? "unnamed" : name.strip();
            try {
                DatabaseTarget target = DatabaseTarget.of(targetName, url);
                ScriptEngine engine = ScriptEngine.create();
                String reached = engine.checkConnection(target, login.toCredentials());
                return FormValidation.ok("Connected from the controller: " + reached + ". Builds connect from their agent. "
                        + ledgerSeenBy(engine, target, login));
            } catch (SQLException | RuntimeException e) {
                // The driver's message names host and user at most; the password never reaches it in a message.
                return FormValidation.error("Could not connect from the controller: " + e.getMessage());
            }
        }

        /** The ledger's version as this login sees it, in words; a login without the runner's grants is told so. */
        private static String ledgerSeenBy(ScriptEngine engine, DatabaseTarget target, DatabaseLogin login) throws SQLException {
            try {
                int version = engine.installedSchemaVersion(target, login.toCredentials());
                LedgerStatuses.seen(target.name(), version, "Test connection");
                return LedgerStatuses.describeVersion(version);
            } catch (LedgerNotInstalled e) {
                return e.getMessage();
            }
        }

        /**
         * Installs or upgrades the saved target's ledger ({@code script_runner} and its rescue schema) with the target's
         * owner credential, and says which version is now installed. Needs Overall/Administer: it changes the
         * structure of the target database. Safe to repeat: an installed ledger is left as it is.
         */
        @RequirePOST
        public FormValidation doPrepareTarget(@QueryParameter String name) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            Optional<TargetDatabase> saved = ProductionScriptTargets.get().named(strip(name));
            if (saved.isEmpty()) {
                return FormValidation.error("Save the target first: Prepare target installs the ledger of a saved target.");
            }
            TargetDatabase target = saved.get();
            try {
                DatabaseLogin owner = TargetCredentials.forInstallation(target);
                SchemaInstallation installation = ScriptEngine.create().install(target.settings().toDatabaseTarget(),
                        owner.toCredentials());
                LedgerStatuses.seen(target.getName(), installation.version(), "Prepare target");
                return FormValidation.ok("Prepared target '" + target.getName() + "': " + installation.describe()
                        + ", with rescue schema " + target.getRescueSchema() + ". The runner's login needs the grants"
                        + " listed in docs/how-a-run-works.md (section 0).");
            } catch (AbortException e) {
                return FormValidation.error(e.getMessage());
            } catch (SQLException | RuntimeException e) {
                // The driver's and the engine's messages name host, user and objects at most, never the password.
                return FormValidation.error("Could not prepare target '" + target.getName() + "': " + e.getMessage());
            }
        }

        /**
         * Announces the saved target's rescue tables that expire within a day and drops the expired ones announced at
         * least a day earlier, now, as the hourly rescue retention does. Needs Overall/Administer: it drops tables on
         * the target.
         */
        @RequirePOST
        public FormValidation doRunMaintenance(@QueryParameter String name) {
            Jenkins.get().checkPermission(Jenkins.ADMINISTER);
            Optional<TargetDatabase> target = ProductionScriptTargets.get().named(strip(name));
            if (target.isEmpty()) {
                return FormValidation.error("Save the target first: maintenance runs on saved targets.");
            }
            List<String> lines = new ArrayList<>();
            try {
                for (TargetMaintenance maintenance : ExtensionList.lookup(TargetMaintenance.class)) {
                    lines.addAll(maintenance.runNow(target.get(), Jenkins.getAuthentication2().getName()));
                }
            } catch (IOException | SQLException | RuntimeException e) {
                lines.add("Failed: " + e.getMessage());
                return FormValidation.errorWithMarkup(Util.escape(String.join("\n", lines)));
            }
            return FormValidation.okWithMarkup(Util.escape(String.join("\n", lines)));
        }

        private static FormValidation checkNumber(String what, String value, int min, int max) {
            if (!mayAdminister() || value == null || value.isBlank()) {
                return FormValidation.ok();
            }
            try {
                return check(TargetRules.rangeProblem(what, Long.parseLong(value.strip()), min, max));
            } catch (NumberFormatException e) {
                return FormValidation.error(what + " must be a whole number.");
            }
        }

        private static FormValidation check(Optional<String> problem) {
            if (!mayAdminister()) {
                return FormValidation.ok();
            }
            return problem.map(FormValidation::error).orElseGet(FormValidation::ok);
        }

        private static boolean mayAdminister() {
            return Jenkins.get().hasPermission(Jenkins.ADMINISTER);
        }
    }
}
