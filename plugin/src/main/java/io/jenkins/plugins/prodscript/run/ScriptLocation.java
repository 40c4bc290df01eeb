package io.jenkins.plugins.prodscript.run;

import hudson.FilePath;

/**
 * Where the engine reads a script: the folder it must stay inside, and its path relative to that folder. For a
 * normal run the folder is the checkout; for a revert it is the staged copy of the earlier run's reversal.
 */
record ScriptLocation(FilePath root, String path) {
}
