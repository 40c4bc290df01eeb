package io.prodscript.engine.ledger;

import java.sql.SQLException;

/**
 * The target's ledger schema is missing, older or newer than this engine's: nothing was run or read. The message
 * says what to run ({@code prodscript install}, or the engine call {@code ScriptEngine.install}).
 */
public final class LedgerNotInstalled extends SQLException {
    private static final long serialVersionUID = 1L;

    LedgerNotInstalled(String message) {
        super(message, "55000");
    }
}
