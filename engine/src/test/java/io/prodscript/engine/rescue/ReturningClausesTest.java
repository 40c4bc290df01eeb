package io.prodscript.engine.rescue;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.prodscript.engine.testing.Scripts;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReturningClausesTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "UPDATE t SET a = 1 WHERE id = 1|UPDATE t SET a = 1 WHERE id = 1",
        "UPDATE t SET a = 1 WHERE id = 1 RETURNING id|UPDATE t SET a = 1 WHERE id = 1",
        "UPDATE t SET a = 'returning' WHERE id = 1 returning id, 'returning'|UPDATE t SET a = 'returning' WHERE id = 1",
        "DELETE FROM t WHERE note = 'x RETURNING y' RETURNING *|DELETE FROM t WHERE note = 'x RETURNING y'",
        "INSERT INTO t (id) VALUES (1) ON CONFLICT DO NOTHING RETURNING id AS returning_id|INSERT INTO t (id) VALUES (1) ON CONFLICT DO NOTHING",
        "UPDATE t SET \"returning\" = 1 WHERE id = 1 RETURNING \"returning\"|UPDATE t SET \"returning\" = 1 WHERE id = 1",
    })
    void cutsExactlyTheStatementsOwnReturningClause(String statement, String expected) {
        assertEquals(expected, WriteStatement.read(Scripts.plan(statement + ";").statements().get(0)).write().textWithoutReturning());
    }
}
