package io.prodscript.engine.execution;

import java.time.Duration;

/**
 * How long the engine waits on the network and on the ledger, per target. The defaults suit a production database;
 * {@code docs/how-a-run-works.md} explains each. TCP keepalive is always on.
 *
 * @param connectTimeout           how long opening a connection and logging in may take
 * @param socketTimeout            how long the engine waits for the server to answer beyond the statement timeout
 *                                 the server enforces itself; after that the connection counts as lost (a half-open
 *                                 connection never hangs a build)
 * @param ledgerLockTimeout        {@code lock_timeout} for every ledger statement, so a session holding a lock on
 *                                 {@code script_runner.runs} delays a run by this much at most, then fails it
 * @param idleInTransactionTimeout {@code idle_in_transaction_session_timeout} on a run's session: when the runner
 *                                 stalls inside the run's transaction this long, PostgreSQL ends the session and rolls
 *                                 back, so a stalled runner never holds production's locks
 */
public record ConnectionLimits(Duration connectTimeout, Duration socketTimeout, Duration ledgerLockTimeout,
                               Duration idleInTransactionTimeout) {
    /** PostgreSQL's timeouts are milliseconds in a 32-bit integer. */
    static final Duration LONGEST_SERVER_TIMEOUT = Duration.ofMillis(Integer.MAX_VALUE);
    private static final Duration DEFAULT_CONNECT = Duration.ofSeconds(10);
    private static final Duration DEFAULT_SOCKET = Duration.ofMinutes(1);
    private static final Duration DEFAULT_LEDGER_LOCK = Duration.ofSeconds(5);
    private static final Duration DEFAULT_IDLE = Duration.ofMinutes(1);
    /** Null components take these: 10 s to connect, 1 min beyond the statement timeout, 5 s ledger lock timeout, 1 min idle in transaction. */
    public static final ConnectionLimits DEFAULTS = new ConnectionLimits(null, null, null, null);

    public ConnectionLimits {
        connectTimeout = positive("connectTimeout", connectTimeout, DEFAULT_CONNECT);
        socketTimeout = positive("socketTimeout", socketTimeout, DEFAULT_SOCKET);
        ledgerLockTimeout = serverTimeout("ledgerLockTimeout", positive("ledgerLockTimeout", ledgerLockTimeout, DEFAULT_LEDGER_LOCK));
        idleInTransactionTimeout = serverTimeout("idleInTransactionTimeout",
                positive("idleInTransactionTimeout", idleInTransactionTimeout, DEFAULT_IDLE));
    }

    private static Duration positive(String name, Duration value, Duration fallback) {
        if (value == null) {
            return fallback;
        }
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be longer than zero");
        }
        return value;
    }

    private static Duration serverTimeout(String name, Duration value) {
        if (value.compareTo(LONGEST_SERVER_TIMEOUT) > 0) {
            throw new IllegalArgumentException(name + " must be at most " + LONGEST_SERVER_TIMEOUT.toMillis() + " ms, PostgreSQL's limit");
        }
        return value;
    }
}
