package dev.crater.orders.engine;

/** Trailing amount type; {@code Persentage} keeps the documented spelling. A percentage of 5 means 5 %. */
public enum TrailType {
    Absolute, Persentage
}
