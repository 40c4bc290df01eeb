package io.prodscript.engine.ledger;

/**
 * What an installation of the ledger's schema did.
 *
 * @param previousVersion the version found: -1 when there was no ledger, 0 when an engine from before installation
 *                        had created it on the fly
 * @param version         the version now installed
 */
public record SchemaInstallation(int previousVersion, int version) {
    /** One line for a person, e.g. {@code created ledger schema version 1}. */
    public String describe() {
        if (previousVersion == version) {
            return "ledger schema version " + version + " was already installed; nothing changed";
        }
        return previousVersion < 0 ? "created ledger schema version " + version
                : "upgraded the ledger schema from version " + previousVersion + " to " + version;
    }
}
