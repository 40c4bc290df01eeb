package io.prodscript.engine.approval;

/** What a person decided about a run waiting for approval. */
public enum DecisionKind {
    /** Let the run go ahead, as far as this person is concerned. */
    APPROVE,
    /** Stop the run. From the person who requested it, this withdraws the request. */
    REJECT
}
