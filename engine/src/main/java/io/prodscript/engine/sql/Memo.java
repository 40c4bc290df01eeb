package io.prodscript.engine.sql;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Remembers the results of an expensive reading of statements, by key, up to a number of entries (the least recently
 * used is forgotten first), so that planning, the rescue rules and the run share one reading per statement.
 * Thread-safe; a value is computed while the memo is locked, so each key is computed once.
 *
 * @param <K> what a result is remembered by
 * @param <V> the result
 */
public final class Memo<K, V> {
    private final Map<K, V> entries;

    public Memo(int capacity) {
        this.entries = new LinkedHashMap<>(256, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The remembered result for the key, computed now when there is none. */
    public synchronized V get(K key, Function<K, V> compute) {
        return entries.computeIfAbsent(key, compute);
    }
}
