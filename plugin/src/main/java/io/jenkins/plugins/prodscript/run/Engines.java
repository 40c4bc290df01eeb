package io.jenkins.plugins.prodscript.run;

import io.prodscript.engine.ScriptEngine;

/**
 * The one engine configuration the plugin uses, on every agent and in every phase: with rescue, so every run saves
 * what it changes into rescue tables and can be reversed, and planning refuses statements without a way back. Planning
 * and running must use the same configuration, or a plan could pass that the run then refuses.
 */
final class Engines {
    private Engines() {
    }

    static ScriptEngine withRescue() {
        return ScriptEngine.create();
    }
}
