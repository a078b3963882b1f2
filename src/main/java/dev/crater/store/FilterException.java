package dev.crater.store;

/** A filter that does not parse or does not fit the resource's fields; {@link #position()} is 0-based. */
public final class FilterException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final int position;

    public FilterException(String message, int position) {
        super("Invalid filter at position " + position + ": " + message, null, false, false);
        this.position = position;
    }

    public int position() {
        return position;
    }
}
