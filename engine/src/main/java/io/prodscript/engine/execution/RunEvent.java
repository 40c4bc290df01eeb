package io.prodscript.engine.execution;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.prodscript.engine.plan.StatementKind;
import java.time.Instant;
import java.util.List;

/**
 * Progress of a run, as it happens. The CLI prints these and the plugin writes them to the build log and to a JSON
 * lines artifact; the {@code event} field names the type in JSON. Statements sent to the server together in one round
 * trip report their start and finish when the round's answers arrive: in order, one pair per statement, each with its
 * own row count.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "event")
@JsonSubTypes({
    @JsonSubTypes.Type(value = RunEvent.RunStarted.class, name = "run-started"),
    @JsonSubTypes.Type(value = RunEvent.Notice.class, name = "notice"),
    @JsonSubTypes.Type(value = RunEvent.StatementStarted.class, name = "statement-started"),
    @JsonSubTypes.Type(value = RunEvent.StatementFinished.class, name = "statement-finished"),
    @JsonSubTypes.Type(value = RunEvent.CheckFinished.class, name = "check-finished"),
    @JsonSubTypes.Type(value = RunEvent.RunFinished.class, name = "run-finished")
})
@JsonInclude(JsonInclude.Include.NON_NULL)
public sealed interface RunEvent {
    /** When it happened. */
    Instant at();

    /** One line for a human log. */
    String describe();

    record RunStarted(Instant at, String runId, Mode mode, String target, String scriptPath, String checksum,
                      int statementCount) implements RunEvent {
        @Override
        public String describe() {
            return (mode == Mode.REHEARSE ? "Rehearsing " : "Running ") + scriptPath + " (sha256 " + checksum + ") on "
                    + target + ": " + statementCount + " statement(s), run " + runId;
        }
    }

    record Notice(Instant at, String message) implements RunEvent {
        @Override
        public String describe() {
            return message;
        }
    }

    record StatementStarted(Instant at, int number, int line, StatementKind kind, List<String> tables) implements RunEvent {
        @Override
        public String describe() {
            return "#" + number + " (line " + line + ") " + kind + (tables.isEmpty() ? "" : " " + String.join(", ", tables)) + " …";
        }
    }

    record StatementFinished(Instant at, StatementResult result) implements RunEvent {
        @Override
        public String describe() {
            return "#" + result.number() + " (line " + result.line() + ") " + result.kind()
                    + (result.tables().isEmpty() ? "" : " " + String.join(", ", result.tables()))
                    + ": " + result.rows() + " row(s) in " + result.durationMillis() + " ms";
        }
    }

    record CheckFinished(Instant at, CheckResult check) implements RunEvent {
        @Override
        public String describe() {
            return (check.passed() ? "passed" : "FAILED") + " @" + check.directive() + " (line " + check.line() + "): "
                    + check.description() + " — found " + check.actual();
        }
    }

    record RunFinished(Instant at, RunStatus status, long rowsChanged, String failure) implements RunEvent {
        @Override
        public String describe() {
            return switch (status) {
                case COMMITTED -> "Committed: " + rowsChanged + " row(s) changed";
                case REHEARSED -> "Rehearsal succeeded and was rolled back: " + rowsChanged + " row(s) would change";
                case FAILED -> "Failed and rolled back: " + failure;
                case CANCELLED -> "Cancelled and rolled back: " + failure;
                case REFUSED -> "Refused, nothing ran: " + failure;
                case UNKNOWN -> "Outcome UNKNOWN, the run may have committed: " + failure;
            };
        }
    }
}
