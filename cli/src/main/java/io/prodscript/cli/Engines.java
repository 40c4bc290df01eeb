package io.prodscript.cli;

import io.prodscript.engine.ScriptEngine;

/**
 * The engine configured as the Jenkins plugin configures it, with rescue, so that {@code lint}, {@code plan} and
 * {@code rehearse} give the verdict Jenkins will give: a script rescue cannot save is refused here too.
 */
final class Engines {
    private Engines() {
    }

    static ScriptEngine likeJenkins() {
        return ScriptEngine.create();
    }
}
