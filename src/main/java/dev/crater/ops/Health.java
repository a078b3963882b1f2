package dev.crater.ops;

import dev.crater.store.Database;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Whether this node should get traffic. Live: the process serves HTTP (answering at all is the
 * proof). Ready: the store answers a trivial query within {@link #STORE_DEADLINE}, and the node has
 * restored and started its trading shards (and is not stopping). See docs/architecture.md, "Operations".
 */
public final class Health {
    /** The store must answer {@code SELECT 1} within this (a free connection and the database's reply). */
    public static final Duration STORE_DEADLINE = Duration.ofSeconds(2);

    /** The node's own lifecycle, as App moves it. */
    public enum Node { STARTING, UP, STOPPING }

    /** A check's or the whole answer's state, as written in the body. */
    public enum State { UP, DOWN, STARTING, STOPPING }

    /**
     * The body of both health answers: {@code {"status":"UP","checks":{"store":"UP","trading":"UP"}}};
     * {@code status} is UP only when every check is.
     */
    public record Report(State status, Map<String, State> checks) {
        public boolean up() {
            return status == State.UP;
        }
    }

    private final Database database;
    private volatile Node node = Node.STARTING;

    public Health(Database database) {
        this.database = database;
    }

    /** The trading shards are restored and started: the node may take orders. */
    public void started() {
        node = Node.UP;
    }

    /** The node is stopping: readiness fails at once, so a load balancer moves traffic away. */
    public void stopping() {
        node = Node.STOPPING;
    }

    public Report live() {
        return new Report(State.UP, Map.of());
    }

    public Report ready() {
        Map<String, State> checks = new LinkedHashMap<>();
        checks.put("store", database.answers(STORE_DEADLINE) ? State.UP : State.DOWN);
        checks.put("trading", switch (node) {
            case STARTING -> State.STARTING;
            case UP -> State.UP;
            case STOPPING -> State.STOPPING;
        });
        boolean up = checks.values().stream().allMatch(s -> s == State.UP);
        return new Report(up ? State.UP : State.DOWN, checks);
    }
}
