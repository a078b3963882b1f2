package dev.crater.companies;

import java.util.Locale;
import java.util.Optional;

/**
 * The shape a company's apps get for the two answers whose documented examples and vendor spec
 * differ in kind, so that no one JSON value suits both kinds of client: the positions list (docs: a
 * bare array; spec: {@code PagingResult[PositionResource]}), an account's users (docs: an array;
 * spec: one {@code UserToAccountRelationModel}, the caller's) and the streamer session recover call
 * (docs: {@code {"Id": "…"}}; spec: the id as a JSON string). {@link #DOCS} by default, the shape
 * every docs example and the vendor's code samples read; {@link #SPEC} for a broker whose apps are
 * generated from the vendor's specification ({@code crater admin company set-wire-shapes}).
 */
public enum WireShapes {
    DOCS, SPEC;

    /** The stored and typed name: {@code docs} or {@code spec}. */
    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<WireShapes> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        for (WireShapes w : values()) {
            if (w.text().equalsIgnoreCase(text.trim())) {
                return Optional.of(w);
            }
        }
        return Optional.empty();
    }
}
