package dev.crater.securities;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.concurrent.ConcurrentHashMap;
import javax.imageio.ImageIO;

/**
 * Company logos for {@code GET /equities/{symbol}/logo}. Crater ships no trademarks: a logo is a
 * 64×64 PNG badge with the symbol on a colour derived from it, the same on every node.
 */
final class Logos {

    static final int SIZE = 64;
    /** Named limit: logos kept; the cache is cleared when full. */
    static final int CACHED_MAX = 2000;

    private final ConcurrentHashMap<String, byte[]> cache = new ConcurrentHashMap<>();

    byte[] png(String symbol) {
        byte[] png = cache.get(symbol);
        if (png == null) {
            png = draw(symbol);
            if (cache.size() >= CACHED_MAX) {
                cache.clear();
            }
            cache.put(symbol, png);
        }
        return png;
    }

    private static byte[] draw(String symbol) {
        BufferedImage img = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            float hue = (symbol.hashCode() & 0xFFFF) / 65536f;
            g.setColor(Color.getHSBColor(hue, 0.55f, 0.55f));
            g.fillRoundRect(0, 0, SIZE, SIZE, 16, 16);
            String text = symbol.length() > 5 ? symbol.substring(0, 5) : symbol;
            int size = text.length() <= 3 ? 22 : text.length() == 4 ? 17 : 14;
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, size));
            FontMetrics m = g.getFontMetrics();
            g.setColor(Color.WHITE);
            g.drawString(text, (SIZE - m.stringWidth(text)) / 2, (SIZE - m.getHeight()) / 2 + m.getAscent());
        } finally {
            g.dispose();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
