package dev.crater.orders.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Randomized property test, determinism, snapshot round trip. */
class DeterminismTest {

    /** Runs {@code n} random commands through a checking harness; returns it (commands recorded). */
    static Harness randomRun(long seed, int n, int snapshotEvery) {
        Harness h = new Harness();
        RandomCommands gen = new RandomCommands(seed);
        for (Command c : gen.setup()) {
            h.run(c);
        }
        for (int i = 0; i < n; i++) {
            h.run(gen.next(h.engine));
            if (snapshotEvery > 0 && i % snapshotEvery == snapshotEvery - 1) {
                long hash = h.engine.stateHash();
                Snapshot snap = h.engine.snapshot();
                Engine restored = Engine.restore(snap);
                assertThat(restored.stateHash()).isEqualTo(hash);
                assertThat(restored.snapshot()).isEqualTo(snap);
                h.engine = restored; // continue on the restored engine
            }
        }
        return h;
    }

    @Test
    void randomizedCommandsKeepEveryInvariant() {
        Harness h = randomRun(42, 8000, 997);
        // the run above swapped in a restored engine every 997 commands: an uninterrupted engine must agree exactly
        Engine straight = new Engine();
        List<Event> events = new ArrayList<>();
        for (Command c : h.commands) {
            straight.apply(c, events);
        }
        assertThat(events).isEqualTo(h.events);
        assertThat(straight.stateHash()).isEqualTo(h.engine.stateHash());
        Map<Class<?>, Integer> kinds = new java.util.HashMap<>();
        Map<RejectCode, Integer> codes = new EnumMap<>(RejectCode.class);
        for (Event e : h.events) {
            kinds.merge(e.getClass(), 1, Integer::sum);
            if (e instanceof Event.Rejected r) {
                codes.merge(r.code(), 1, Integer::sum);
            }
        }
        // the stream really exercised the engine
        assertThat(kinds).containsKeys(Event.Fill.class, Event.Canceled.class, Event.Expired.class, Event.Triggered.class,
                Event.Replaced.class, Event.GroupCompleted.class, Event.Settled.class, Event.CashMoved.class);
        assertThat(kinds.get(Event.Fill.class)).isGreaterThan(500);
        assertThat(h.events).as("resets in the stream").anyMatch(e -> e instanceof Event.CashMoved m
                && "Account reset".equals(m.entry().description()));
        assertThat(codes).containsKeys(RejectCode.InsufficientPosition, RejectCode.QuantityInvalid,
                RejectCode.DayTradingBuyingPowerExceeded, RejectCode.OrderNotFound, RejectCode.CashAccountCannotShort);
    }

    @Test
    void otherSeedsToo() {
        for (long seed = 1; seed <= 4; seed++) {
            randomRun(seed, 3000, 0);
        }
    }

    @Test
    void sameCommandsGiveSameEventsAndHash() {
        Harness a = randomRun(7, 4000, 0);
        Engine b = new Engine();
        List<Event> events = new ArrayList<>();
        for (Command c : a.commands) {
            b.apply(c, events);
        }
        assertThat(events).isEqualTo(a.events);
        assertThat(b.stateHash()).isEqualTo(a.engine.stateHash());
        assertThat(b.snapshot()).isEqualTo(a.engine.snapshot());
    }

    @Test
    void restoredEngineContinuesWithIdenticalEvents() {
        Harness a = randomRun(11, 4000, 0);
        int half = a.commands.size() / 2;
        Engine live = new Engine();
        List<Event> ignored = new ArrayList<>();
        for (Command c : a.commands.subList(0, half)) {
            live.apply(c, ignored);
        }
        Snapshot snap = live.snapshot();
        Engine restored = Engine.restore(snap);
        assertThat(restored.stateHash()).isEqualTo(live.stateHash());
        List<Event> fromLive = new ArrayList<>();
        List<Event> fromRestored = new ArrayList<>();
        for (Command c : a.commands.subList(half, a.commands.size())) {
            live.apply(c, fromLive);
            restored.apply(c, fromRestored);
        }
        for (int i = 0; i < Math.min(fromLive.size(), fromRestored.size()); i++) {
            if (!fromLive.get(i).equals(fromRestored.get(i))) {
                System.out.println("DIFF at " + i + "\nLIVE " + fromLive.get(i) + "\nREST " + fromRestored.get(i)
                        + "\nPREV " + fromLive.get(Math.max(0, i - 1)));
                break;
            }
        }
        assertThat(fromRestored).isNotEmpty().isEqualTo(fromLive);
        assertThat(restored.stateHash()).isEqualTo(live.stateHash()).isEqualTo(a.engine.stateHash());
    }

    @Test
    void restoreRefusesAnUnsoundSnapshot() {
        Harness a = randomRun(3, 500, 0);
        Snapshot s = a.engine.snapshot();
        Snapshot.AccountState acc = s.accounts().get(0);
        Snapshot.AccountState bad = new Snapshot.AccountState(acc.accountId(), acc.marginType(), acc.commissions(),
                acc.cash() + 1, acc.settledCash(), acc.reserved(), acc.ledgerSum(), acc.pending(), acc.createdMs());
        List<Snapshot.AccountState> accounts = new ArrayList<>(s.accounts());
        accounts.set(0, bad);
        Snapshot tampered = new Snapshot(s.nowMs(), s.session(), s.sessionKey(), s.sessionSinceMs(), s.nextFillId(), s.nextLedgerId(),
                s.nextSeq(), accounts, s.positions(), s.orders(), s.finishedLegs(), s.quotes());
        assertThatThrownBy(() -> Engine.restore(tampered)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("ledger sum");
    }

    @Test
    void hashDiffersWhenStateDiffers() {
        Harness a = randomRun(5, 300, 0);
        long before = a.engine.stateHash();
        a.run(new Command.Deposit(a.next(), 1, Fixed.units(1), "x", 1));
        assertThat(a.engine.stateHash()).isNotEqualTo(before);
    }
}
