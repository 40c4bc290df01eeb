package io.jenkins.plugins.prodscript.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.prodscript.engine.execution.StatementResult;
import io.prodscript.engine.plan.StatementKind;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The statement lines approvers are shown: what and how many rows, no timing that differs from run to run. */
class EventSinkTest {
    @Test
    void statementLinesLeaveOutTheDuration() {
        String line = EventSink.summaryOf(new StatementResult(1, 4, StatementKind.UPDATE, List.of("public.accounts"), 12, 873));
        assertEquals("#1 (line 4) UPDATE public.accounts: 12 row(s)", line);
    }

    @Test
    void aStatementWithoutTablesHasNoEmptyList() {
        assertEquals("#2 (line 9) OTHER: 0 row(s)",
                EventSink.summaryOf(new StatementResult(2, 9, StatementKind.OTHER, List.of(), 0, 1)));
    }
}
