package dev.crater.orders;

import dev.crater.store.Database;

/**
 * Order ids (orders and legs share one sequence). On the embedded store one node allocates them: a
 * counter seeded from the store's highest id at start-up. On a shared store each node takes blocks
 * of {@link #BLOCK} ids from the {@code id_blocks} row in one atomic update, so two nodes never hand
 * out the same id; a node's unused rest of a block is skipped after a restart (ids stay unique, not
 * dense). Ids are the API's Int32: {@link #MAX} is checked.
 */
abstract class OrderIds {
    /** Ids a node takes at once from a shared store. */
    static final int BLOCK = 1000;
    /** The largest order id the API's Int32 can carry. */
    static final long MAX = Integer.MAX_VALUE;

    abstract long next();

    /** Called once at start-up, before the first {@link #next}. */
    abstract void seed(TradingStore store);

    static OrderIds counter() {
        return new OrderIds() {
            private long last;

            @Override
            synchronized long next() {
                return check(++last);
            }

            @Override
            synchronized void seed(TradingStore store) {
                last = store.maxOrderId();
            }
        };
    }

    static OrderIds blocks(Database db) {
        return new OrderIds() {
            private long next;
            private long end;

            @Override
            synchronized long next() {
                if (next >= end) {
                    long start = db.jdbi().withHandle(h -> h.createQuery("UPDATE id_blocks SET next_id ="
                                    + " GREATEST(next_id, (SELECT COALESCE(MAX(id), 0) + 1 FROM orders)) + :n"
                                    + " WHERE name = 'orders' RETURNING next_id - :n")
                            .bind("n", BLOCK).mapTo(Long.class).one());
                    next = start;
                    end = start + BLOCK;
                }
                return check(next++);
            }

            @Override
            void seed(TradingStore store) {
                // Blocks are taken on first use.
            }
        };
    }

    static long check(long id) {
        if (id > MAX) {
            throw new IllegalStateException("order ids are exhausted (the API's Int32 ends at " + MAX + ")");
        }
        return id;
    }
}
