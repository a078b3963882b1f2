package dev.crater.orders.engine;

import static dev.crater.orders.engine.Harness.AAPL;
import static dev.crater.orders.engine.Harness.m;
import static dev.crater.orders.engine.Harness.spec;
import static org.assertj.core.api.Assertions.assertThat;

import dev.crater.common.MarginType;
import dev.crater.market.Session;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A QuoteTick that trades nothing allocates nothing, however many orders rest on the security. */
class HotPathTest {

    @Test
    void quoteTicksThatTradeNothingDoNotAllocate() {
        Harness h = new Harness();
        h.clock(Session.REGULAR);
        h.funded(1, MarginType.Margin, "100000000");
        h.tick(AAPL, "99.99", 1000, "100.01", 1000, "100.00");
        h.place(1, Harness.market(1, Side.Buy, 1_000));
        long id = 10;
        for (int i = 0; i < 500; i++) {
            h.place(1, Harness.limit(id++, Side.Buy, 1, "90"));
            h.place(1, Harness.limit(id++, Side.Sell, 1, "110"));
            h.place(1, spec(id++).side(Side.Buy).type(OrderType.Stop).stop("111").qty(1).build());
            h.place(1, spec(id++).side(Side.Sell).type(OrderType.Stop).stop("89").qty(1).build());
            h.place(1, spec(id++).side(Side.Sell).type(OrderType.TrailingStop).trailing("5", TrailType.Absolute).qty(1).build());
            h.place(1, spec(id++).side(Side.Buy).type(OrderType.TrailingStop).trailing("5", TrailType.Persentage).qty(1).build());
        }
        Command.QuoteTick[] ticks = new Command.QuoteTick[1024];
        for (int i = 0; i < ticks.length; i++) {
            long last = m("99.50") + (i % 50) * m("0.01");
            ticks[i] = new Command.QuoteTick(h.time + i, AAPL, last - m("0.01"), 500, last + m("0.01"), 500, last,
                    Session.REGULAR, false);
        }
        Engine e = h.engine;
        List<Event> out = new ArrayList<>();
        for (int r = 0; r < 300; r++) { // warm up (JIT)
            for (Command.QuoteTick q : ticks) {
                e.apply(q, out);
            }
        }
        assertThat(out).isEmpty();
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = Thread.currentThread().threadId();
        long before = mx.getThreadAllocatedBytes(tid);
        int n = 0;
        for (int r = 0; r < 100; r++) {
            for (Command.QuoteTick q : ticks) {
                e.apply(q, out);
                n++;
            }
        }
        long perTick = (mx.getThreadAllocatedBytes(tid) - before) / n;
        assertThat(out).isEmpty();
        assertThat(perTick).as("bytes allocated per QuoteTick").isLessThan(8);
        assertThat(e.checkInvariants()).isEmpty();
        assertThat(e.liveOrderCount()).isEqualTo(3000);
    }
}
