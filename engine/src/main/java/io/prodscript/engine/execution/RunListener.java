package io.prodscript.engine.execution;

/** Receives a run's progress. Called on the thread that runs the script; implementations should return quickly. */
@FunctionalInterface
public interface RunListener {
    RunListener NONE = event -> { };

    void on(RunEvent event);
}
