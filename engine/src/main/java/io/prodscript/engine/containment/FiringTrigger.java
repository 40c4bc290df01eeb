package io.prodscript.engine.containment;

/**
 * A user trigger that fires for the script's writes, as approvers see it in the plan, the run's result and the
 * rescue manifest.
 *
 * @param table  the table it is on, schema-qualified
 * @param name   the trigger's name
 * @param fires  when it fires, e.g. {@code AFTER UPDATE FOR EACH ROW}
 * @param reason the script's {@code @triggers-fire} reason
 */
public record FiringTrigger(String table, String name, String fires, String reason) {
    /** {@code public.orders: orders_audit (AFTER UPDATE FOR EACH ROW)}. */
    public String describe() {
        return table + ": " + name + " (" + fires + ")";
    }
}
