package io.prodscript.engine.script;

/**
 * A script as read from a checkout: its path relative to the checkout root, its text, and the SHA-256 of its exact
 * bytes. Everything later (plan, approvals, ledger, reports) refers to the checksum, so a changed byte is a
 * different script.
 *
 * @param path     the path relative to the checkout root, with forward slashes
 * @param text     the script decoded as UTF-8
 * @param checksum lower-case hexadecimal SHA-256 of the file's bytes
 * @param size     the file's size in bytes
 */
public record Script(String path, String text, String checksum, long size) {
}
