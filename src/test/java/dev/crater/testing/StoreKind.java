package dev.crater.testing;

/** Which store a test server runs on. */
public enum StoreKind { SQLITE, POSTGRES }
