package dev.crater.access;

/** What a bearer token opens. */
public enum Scope {
    /** The whole API. */
    FULL,
    /** Only the update of an expired password ({@code PUT /v1.0/users/passwords/reset/}). */
    PASSWORD_CHANGE,
    /** Only the PIN set-up calls (security images, set PIN). */
    PIN_SETUP,
    /**
     * Nothing over HTTP: the login session of one streamer socket opened by login and password
     * (CreateSession option 1). Its text is never sent to anyone; the socket's end revokes it.
     */
    STREAMER
}
