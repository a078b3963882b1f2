package dev.crater.orders.engine;

import static dev.crater.orders.engine.Harness.AAPL;
import static dev.crater.orders.engine.Harness.fillsOf;
import static dev.crater.orders.engine.Harness.limit;
import static dev.crater.orders.engine.Harness.m;
import static dev.crater.orders.engine.Harness.market;
import static dev.crater.orders.engine.Harness.of;
import static org.assertj.core.api.Assertions.assertThat;

import dev.crater.common.MarginType;
import dev.crater.market.Session;
import dev.crater.market.SessionKey;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The engine follows the market clock wherever an operator (or a test) moves it: a session is its trading day and
 * phase, so a jump to another day in the same session kind, or back in time, closes the day it left and trades on
 * the quotes of the day it reached. Regression: a server started inside a real weekday session whose clock was then
 * set to another weekday's session never traded again (the quotes were "older than the session").
 */
class ClockMovesTest {
    static final long ACC = 1;
    static final int DAY = 7_000;
    static final long HOUR = 3_600_000;
    Harness h;

    @BeforeEach
    void setUp() {
        h = new Harness();
        h.funded(ACC, MarginType.Margin, "100000");
    }

    private List<Event> tickAt(long timeMs, int day, Session s, String last) {
        long l = m(last);
        return h.run(new Command.QuoteTick(timeMs, AAPL, l - m("0.01"), 1000, l + m("0.01"), 1000, l, s,
                SessionKey.of(day, s), false));
    }

    @Test
    void aMarketOrderFillsAfterTheClockIsMovedBackToAnEarlierDaysSession() {
        long later = Harness.T0 + 14 * 24 * HOUR;
        tickAt(later, DAY + 10, Session.REGULAR, "120.00");
        // The clock is set back two weeks, into the same kind of session.
        tickAt(Harness.T0, DAY, Session.REGULAR, "100.00");
        h.time = Harness.T0;
        List<Event> ev = h.place(ACC, market(10, Side.Buy, 5));
        assertThat(fillsOf(ev, 10)).singleElement().satisfies(f -> assertThat(f.price()).isEqualTo(m("100.01")));
        assertThat(h.engine.nowMs()).as("engine time follows the clock back").isLessThan(later);
    }

    @Test
    void aJumpToTheNextDaysRegularSessionExpiresTodaysDayOrders() {
        tickAt(Harness.T0, DAY, Session.REGULAR, "100.00");
        h.time = Harness.T0;
        h.place(ACC, limit(20, Side.Buy, 5, "90.00"));
        assertThat(h.engine.order(20)).isNotNull();

        List<Event> ev = tickAt(Harness.T0 + 24 * HOUR, DAY + 1, Session.REGULAR, "100.00");
        assertThat(of(ev, Event.Expired.class)).singleElement().satisfies(e -> assertThat(e.orderId()).isEqualTo(20));
        assertThat(h.engine.order(20)).isNull();
    }

    @Test
    void movingOnWithinTheDayKeepsDayOrdersAndAStaleQuoteOfTheDayLeftIsNotTraded() {
        tickAt(Harness.T0, DAY, Session.PRE_MARKET, "100.00");
        h.time = Harness.T0;
        h.place(ACC, limit(30, Side.Buy, 5, "90.00"));
        h.run(new Command.Clock(Harness.T0 + HOUR, Session.REGULAR, SessionKey.of(DAY, Session.REGULAR)));
        assertThat(h.engine.order(30)).as("a Day order lives on into the regular session").isNotNull();

        // A market order in the new session waits for a quote of that session.
        h.time = Harness.T0 + HOUR;
        assertThat(fillsOf(h.place(ACC, market(31, Side.Buy, 5)), 31)).isEmpty();
        assertThat(fillsOf(tickAt(Harness.T0 + HOUR + 1, DAY, Session.REGULAR, "101.00"), 31)).hasSize(1);
    }

    @Test
    void keysOrderTheDaysPhases() {
        assertThat(SessionKey.laterSameDay(SessionKey.of(DAY, Session.CLOSED), SessionKey.of(DAY, Session.PRE_MARKET))).isTrue();
        assertThat(SessionKey.laterSameDay(SessionKey.of(DAY, Session.POST_MARKET), SessionKey.of(DAY + 1, Session.CLOSED))).isFalse();
        assertThat(SessionKey.laterSameDay(SessionKey.of(DAY, Session.REGULAR), SessionKey.of(DAY, Session.PRE_MARKET))).isFalse();
        assertThat(SessionKey.tradingDay(SessionKey.of(-3, Session.POST_MARKET))).isEqualTo(-3);
    }
}
