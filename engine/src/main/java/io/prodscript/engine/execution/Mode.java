package io.prodscript.engine.execution;

/** Whether a run keeps its changes. */
public enum Mode {
    /** Runs exactly as a real run would, then always rolls back. */
    REHEARSE,
    /** Commits when every statement, expectation and assertion succeeds. */
    RUN
}
