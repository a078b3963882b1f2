package dev.crater.config;

import java.util.Locale;

/**
 * How the embedded SQLite store syncs its commits ({@code CRATER_SQLITE_SYNCHRONOUS}), the value of
 * SQLite's {@code PRAGMA synchronous} on every pooled connection. The store runs in WAL mode, where:
 *
 * <ul>
 *   <li>{@link #FULL} (the default): every commit's log frames are fsynced before the commit returns,
 *       so an acknowledged order, fill or money movement survives power loss (given a disk that
 *       honours flushes);</li>
 *   <li>{@link #NORMAL}: commits only write the log (fsynced at checkpoints): they survive a crash of
 *       the process, but the last commits before a power loss or an operating-system crash may be lost
 *       although they were acknowledged. For throwaway sandboxes and benchmarks only.</li>
 * </ul>
 *
 * PostgreSQL is not affected: its commits are always synchronous (see {@code Database}).
 */
public enum SqliteSynchronous {
    FULL, NORMAL;

    /** The environment variable naming the setting. */
    public static final String VARIABLE = "CRATER_SQLITE_SYNCHRONOUS";

    /** The pragma's value, as SQLite spells it. */
    public String pragma() {
        return name();
    }

    /** {@code full} or {@code normal} (any case); anything else is refused with the variable's name. */
    public static SqliteSynchronous parse(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "full" -> FULL;
            case "normal" -> NORMAL;
            default -> throw new IllegalArgumentException(VARIABLE + " must be full (durable across power loss, "
                    + "the default) or normal (durable across process crashes only), got '" + value.trim() + "'");
        };
    }
}
