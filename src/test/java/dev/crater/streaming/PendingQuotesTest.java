package dev.crater.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.crater.market.Quote;
import dev.crater.market.Session;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The quote sockets' primitive collections ({@link IntMap}, {@link PendingQuotes}) against the JDK
 * maps they replace, in long random runs: same contents after every step, and (without unsubscribes)
 * the pending quotes taken in the order their keys became pending, as a {@code LinkedHashMap}'s
 * iteration gave them.
 */
class PendingQuotesTest {

    @Test
    void intMapAgreesWithAHashMap() {
        Random random = new Random(11);
        IntMap<Integer> map = new IntMap<>();
        Map<Integer, Integer> reference = new HashMap<>();
        for (int step = 0; step < 200_000; step++) {
            // Few keys (collisions and long probe runs) in some phases, many in others; negative keys too.
            int key = (step / 20_000) % 2 == 0 ? random.nextInt(40) - 5 : random.nextInt(5_000) * 7;
            switch (random.nextInt(10)) {
                case 0, 1, 2 -> assertThat(map.remove(key)).isEqualTo(reference.remove(key));
                case 3 -> assertThat(map.get(key)).isEqualTo(reference.get(key));
                case 4 -> {
                    if (random.nextInt(500) == 0) {
                        map.clear();
                        reference.clear();
                    }
                }
                default -> assertThat(map.put(key, step)).isEqualTo(reference.put(key, step));
            }
            assertThat(map.size()).isEqualTo(reference.size());
            assertThat(map.isEmpty()).isEqualTo(reference.isEmpty());
        }
        for (Map.Entry<Integer, Integer> e : reference.entrySet()) {
            assertThat(map.get(e.getKey())).isEqualTo(e.getValue());
            assertThat(map.containsKey(e.getKey())).isTrue();
        }
        assertThat(map.containsKey(Integer.MIN_VALUE)).isFalse();
        assertThatThrownBy(() -> map.put(1, null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void pendingQuotesAreTakenInTheOrderTheirKeysBecamePendingAsALinkedHashMapsIteration() {
        run(new Random(5), false);
    }

    @Test
    void withUnsubscribesEveryPendingQuoteIsTakenOnceAndNothingElse() {
        run(new Random(9), true);
    }

    /**
     * Random puts, takes and clears (and removes, when {@code removes}) against a LinkedHashMap. Without
     * removes the order is exactly the map's; with them, a key removed and put again may keep the
     * earlier place of its key (never a later one), so only the contents are compared.
     */
    private static void run(Random random, boolean removes) {
        PendingQuotes pending = new PendingQuotes();
        LinkedHashMap<Integer, QuoteFrame> reference = new LinkedHashMap<>();
        for (int step = 0; step < 100_000; step++) {
            int key = random.nextInt(step % 3 == 0 ? 30 : 300);
            int op = random.nextInt(20);
            if (op < 12) {
                QuoteFrame f = frame(key, step);
                assertThat(pending.put(f)).as("conflated").isEqualTo(reference.put(key, f) != null);
            } else if (op < 16) {
                if (removes) {
                    pending.remove(key);
                    reference.remove(key);
                }
            } else if (op < 19) {
                int max = 1 + random.nextInt(40);
                List<QuoteFrame> taken = new ArrayList<>();
                pending.take(max, taken);
                assertThat(taken).hasSize(Math.min(max, reference.size()));
                if (removes) {
                    for (QuoteFrame f : taken) {
                        assertThat(reference.remove(f.quote.securityId())).as("taken once, the latest").isSameAs(f);
                    }
                } else {
                    List<QuoteFrame> expected = new ArrayList<>();
                    var it = reference.values().iterator();
                    while (expected.size() < max && it.hasNext()) {
                        expected.add(it.next());
                        it.remove();
                    }
                    assertThat(taken).isEqualTo(expected);
                }
            } else if (random.nextInt(100) == 0) {
                pending.clear();
                reference.clear();
            }
            assertThat(pending.size()).isEqualTo(reference.size());
            assertThat(pending.isEmpty()).isEqualTo(reference.isEmpty());
        }
        List<QuoteFrame> rest = new ArrayList<>();
        pending.take(Integer.MAX_VALUE, rest);
        assertThat(rest).containsExactlyInAnyOrderElementsOf(reference.values());
        assertThat(pending.isEmpty()).isTrue();
    }

    @Test
    void aKeyRemovedAndPutAgainIsTakenOnce() {
        PendingQuotes pending = new PendingQuotes();
        pending.put(frame(1, 0));
        pending.put(frame(2, 0));
        pending.remove(1);
        QuoteFrame again = frame(1, 1);
        assertThat(pending.put(again)).isFalse();
        List<QuoteFrame> taken = new ArrayList<>();
        pending.take(10, taken);
        assertThat(taken).extracting(f -> f.quote.securityId()).containsExactlyInAnyOrder(1, 2);
        assertThat(taken).contains(again);
        assertThat(pending.isEmpty()).isTrue();
        taken.clear();
        pending.take(10, taken);
        assertThat(taken).isEmpty();
    }

    private static QuoteFrame frame(int securityId, int step) {
        BigDecimal p = BigDecimal.valueOf(100_00 + step % 1000, 2);
        return new QuoteFrame(new Quote(securityId, "S" + securityId, 0, p, 100, p, 100, p, 0, null, p, p, p,
                Session.REGULAR, false), "NASDAQ");
    }
}
