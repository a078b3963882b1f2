package dev.crater.streaming;

import dev.crater.http.Json;
import dev.crater.market.Quote;
import java.nio.charset.StandardCharsets;

/**
 * One quote as the streamer sends it, rendered once for every socket that gets it: a tick's quote
 * goes to each subscribed socket, and only {@code AskUpdate}/{@code BidUpdate} depend on the socket
 * (what it last sent of the key), so the four renderings are made on first use and shared. A race
 * between two writers rendering the same variant makes the same string (or frame bytes) twice;
 * both are never changed once made, so either is safe to send.
 */
final class QuoteFrame {
    final Quote quote;
    private final String exchange;
    private final String[] texts = new String[4];
    /** The frames, each behind a final field: a writer that sees another's frame sees all its bytes. */
    private final Wire[] wires = new Wire[4];

    private record Wire(byte[] bytes) {
    }

    QuoteFrame(Quote quote, String exchange) {
        this.quote = quote;
        this.exchange = exchange;
    }

    /** The message for a socket that last sent {@code previous} of this key (null: none yet). */
    String text(Quote previous) {
        return text(variant(previous));
    }

    /** That message as a whole WebSocket text frame ({@link WsFrames}), made once per variant. */
    byte[] wire(Quote previous) {
        int i = variant(previous);
        Wire w = wires[i];
        if (w == null) {
            w = new Wire(WsFrames.text(text(i)));
            wires[i] = w;
        }
        return w.bytes();
    }

    private int variant(Quote previous) {
        boolean ask = previous == null || previous.ask().compareTo(quote.ask()) != 0;
        boolean bid = previous == null || previous.bid().compareTo(quote.bid()) != 0;
        return (ask ? 2 : 0) + (bid ? 1 : 0);
    }

    private String text(int i) {
        boolean ask = (i & 2) != 0;
        boolean bid = (i & 1) != 0;
        String t = texts[i];
        if (t == null) {
            t = new String(Json.write(QuoteMessage.of(quote, exchange, ask, bid)), StandardCharsets.UTF_8);
            texts[i] = t;
        }
        return t;
    }
}
