package dev.crater.ops;

import dev.crater.metrics.Histogram;
import dev.crater.metrics.Metrics;
import dev.crater.orders.ShardStats;
import dev.crater.orders.TradingService;
import dev.crater.store.Database;
import dev.crater.streaming.StreamingService;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The figures the node's parts keep, read when {@code /metrics} is scraped: the trading shards
 * (round time, batch size, inbox depth, dropped quotes), the streamers (open sockets, their queued
 * and conflated quotes), the store's pools, and the JVM. Nothing here counts on a hot path.
 */
public final class NodeMetrics {
    private NodeMetrics() {
    }

    public static void register(Metrics m, TradingService trading, StreamingService streaming, Database database) {
        trading(m, trading);
        streaming(m, streaming);
        store(m, database);
        jvm(m);
    }

    private static void trading(Metrics m, TradingService trading) {
        m.histogramsOf("crater_engine_round_seconds",
                "A trading shard's round: apply its batch, store it in one transaction, answer, publish.",
                List.of("shard"), () -> perShard(trading, ShardStats::roundSeconds));
        m.histogramsOf("crater_engine_round_commands", "Commands a trading shard's round drained from its inbox.",
                List.of("shard"), () -> perShard(trading, ShardStats::batchCommands));
        m.labeled("crater_engine_inbox_depth", "Work waiting in a trading shard's inbox.", "gauge", List.of("shard"),
                () -> {
                    Map<List<String>, Integer> out = new LinkedHashMap<>();
                    trading.shardStats().forEach((shard, stats) -> out.put(List.of(Integer.toString(shard)),
                            stats.inboxDepth()));
                    return out;
                });
        m.gauge("crater_engine_shards_running", "Trading shards this node runs now (by lease, on a shared store).",
                trading::runningShards);
        m.counterOf("crater_engine_dropped_quotes_total", "Quote ticks dropped because a shard's inbox was full.",
                trading::droppedQuotes);
    }

    private static Map<List<String>, Histogram.Series> perShard(TradingService trading,
            Function<ShardStats, Histogram.Series> which) {
        Map<List<String>, Histogram.Series> out = new LinkedHashMap<>();
        trading.shardStats().forEach((shard, stats) -> out.put(List.of(Integer.toString(shard)), which.apply(stats)));
        return out;
    }

    private static void streaming(Metrics m, StreamingService streaming) {
        m.gauge("crater_streaming_sockets_open", "Streamer sockets open (past CreateSession), both streamers.",
                () -> streaming.totals().sockets());
        m.gauge("crater_streaming_quotes_pending", "Quotes queued on open streamer sockets, not yet written.",
                () -> streaming.totals().pendingQuotes());
        m.gauge("crater_streaming_quotes_sent_open_sockets", "Quotes the open streamer sockets have sent so far.",
                () -> streaming.totals().quotesSent());
        m.gauge("crater_streaming_quotes_conflated_open_sockets",
                "Quotes the open streamer sockets replaced by a newer one of the same key before sending.",
                () -> streaming.totals().quotesConflated());
        m.gauge("crater_streaming_quote_writer_stalls",
                "Quote sockets given a writer of their own because a write of theirs blocked a shared writer.",
                streaming::quoteWriterStalls);
    }

    private static void store(Metrics m, Database database) {
        m.labeled("crater_store_pool_connections", "Store pool connections by state (HikariCP).", "gauge",
                List.of("pool", "state"), () -> {
                    Map<List<String>, Integer> out = new LinkedHashMap<>();
                    for (Database.PoolStats p : database.pools()) {
                        out.put(List.of(p.pool(), "active"), p.active());
                        out.put(List.of(p.pool(), "idle"), p.idle());
                        out.put(List.of(p.pool(), "total"), p.total());
                        out.put(List.of(p.pool(), "max"), p.max());
                    }
                    return out;
                });
        m.labeled("crater_store_pool_waiting_threads", "Threads waiting for a store pool connection (HikariCP).",
                "gauge", List.of("pool"), () -> {
                    Map<List<String>, Integer> out = new LinkedHashMap<>();
                    database.pools().forEach(p -> out.put(List.of(p.pool()), p.waiting()));
                    return out;
                });
    }

    private static void jvm(Metrics m) {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        m.gauge("jvm_memory_heap_used_bytes", "Heap in use.", () -> memory.getHeapMemoryUsage().getUsed());
        m.gauge("jvm_memory_heap_committed_bytes", "Heap committed.", () -> memory.getHeapMemoryUsage().getCommitted());
        m.gauge("jvm_memory_heap_max_bytes", "Heap maximum (-1: none).", () -> memory.getHeapMemoryUsage().getMax());
        m.gauge("jvm_memory_nonheap_used_bytes", "Non-heap memory in use (metaspace, code cache).",
                () -> memory.getNonHeapMemoryUsage().getUsed());
        m.gauge("jvm_threads_live", "Live platform threads (virtual threads are not counted).",
                threads::getThreadCount);
        m.gauge("jvm_threads_peak", "Most live platform threads since start.", threads::getPeakThreadCount);
        List<GarbageCollectorMXBean> gcs = ManagementFactory.getGarbageCollectorMXBeans();
        m.labeled("jvm_gc_collections_total", "Collections by collector.", "counter", List.of("gc"), () -> {
            Map<List<String>, Long> out = new LinkedHashMap<>();
            gcs.forEach(g -> out.put(List.of(g.getName()), Math.max(0, g.getCollectionCount())));
            return out;
        });
        m.labeled("jvm_gc_collection_seconds_total", "Time spent in collections, by collector.", "counter",
                List.of("gc"), () -> {
                    Map<List<String>, Double> out = new LinkedHashMap<>();
                    gcs.forEach(g -> out.put(List.of(g.getName()), Math.max(0, g.getCollectionTime()) / 1000.0));
                    return out;
                });
        m.gauge("process_uptime_seconds", "Time since the JVM started.",
                () -> ManagementFactory.getRuntimeMXBean().getUptime() / 1000.0);
    }
}
