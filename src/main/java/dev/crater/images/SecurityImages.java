package dev.crater.images;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.geom.AffineTransform;
import java.awt.geom.Arc2D;
import java.awt.geom.Area;
import java.awt.geom.CubicCurve2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.QuadCurve2D;
import java.awt.geom.Rectangle2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pictures a trader picks from when setting a PIN ({@code GET /v1.0/assets/security-images}).
 * The chosen picture and a personal phrase are shown at later logins so the trader can recognise
 * the genuine site. The pictures are drawn here with Java2D — nothing to ship, no fonts, no
 * display — one simple pictogram per documented name; a broker can replace any of them by putting
 * its own PNG of the same name in an override directory. Overrides are read and checked in the
 * constructor (so a bad file is reported at start); the pictures are produced once, at the first
 * {@link #all()}, and kept in memory.
 */
public final class SecurityImages {
    private static final Logger LOG = LoggerFactory.getLogger(SecurityImages.class);

    /** The documented file names, in the documented order (the misspellings are the API's own). */
    public static final List<String> FILE_NAMES = List.of(
            "apple.png", "baloon.png", "banana.png", "boat.png", "broccoli.png", "butterfly.png",
            "car.png", "coffee.png", "coockies.png", "default.png", "diamond.png", "drum.png",
            "fish.png", "horse.png", "microphone.png", "panda.png", "pelican.png", "pyramids.png",
            "robot.png", "swan.png", "tiger.png", "tomatoes.png", "watch.png");
    /** Width and height of every picture, in pixels, as documented. */
    public static final int SIZE_PIXELS = 72;
    /** Largest override file read, in bytes; a 72×72 PNG needs a small fraction of this. */
    public static final int OVERRIDE_BYTES_MAX = 256 * 1024;

    private static final Set<String> NAMES = Set.copyOf(FILE_NAMES);
    private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

    /** One picture: its documented file name and its PNG bytes. */
    public record Image(String fileName, byte[] png) {
        /** Copies {@code png}: the bytes are served to every client and must not change. */
        public Image {
            Objects.requireNonNull(fileName, "fileName");
            png = Objects.requireNonNull(png, "png").clone();
        }

        /** A copy of the PNG bytes, so that no caller can alter what others are served. */
        @Override
        public byte[] png() {
            return png.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Image other && fileName.equals(other.fileName) && Arrays.equals(png, other.png);
        }

        @Override
        public int hashCode() {
            return 31 * fileName.hashCode() + Arrays.hashCode(png);
        }

        @Override
        public String toString() {
            return "Image[" + fileName + ", " + png.length + " bytes]";
        }
    }

    /** The override files' bytes by position in {@link #FILE_NAMES}; null where the built-in picture is used. */
    private final byte[][] overridden;
    /**
     * Every picture, built at the first {@link #all()}: drawing and encoding the built-in ones takes
     * a quarter to half a second of a cold JVM, which a server start need not wait for (issue 16).
     */
    private volatile List<Image> images;

    /**
     * Reads the override files: each picture for which {@code overrideDirectory} holds a
     * usable PNG of the same name (a regular file of at most {@link #OVERRIDE_BYTES_MAX} bytes
     * with the PNG signature, {@link #SIZE_PIXELS} square, that ImageIO decodes). Unusable
     * override files are ignored with a warning naming them, so a bad file never breaks startup.
     * The others are drawn at the first {@link #all()}.
     *
     * @param overrideDirectory where a broker's own pictures are; may be null or not exist
     */
    public SecurityImages(Path overrideDirectory) {
        boolean overrides = overrideDirectory != null && Files.isDirectory(overrideDirectory);
        if (overrideDirectory != null && !overrides) {
            LOG.debug("Security image directory {} does not exist; using the built-in pictures", overrideDirectory);
        }
        overridden = new byte[FILE_NAMES.size()][];
        for (int i = 0; i < FILE_NAMES.size(); i++) {
            overridden[i] = overrides ? override(overrideDirectory.resolve(FILE_NAMES.get(i))) : null;
        }
    }

    /** All pictures, in the documented order. */
    public List<Image> all() {
        List<Image> all = images;
        if (all == null) {
            synchronized (this) {
                all = images;
                if (all == null) {
                    List<Image> list = new ArrayList<>(FILE_NAMES.size());
                    for (int i = 0; i < FILE_NAMES.size(); i++) {
                        String name = FILE_NAMES.get(i);
                        list.add(new Image(name, overridden[i] != null ? overridden[i] : encode(draw(name))));
                    }
                    all = List.copyOf(list);
                    images = all;
                }
            }
        }
        return all;
    }

    /** Whether {@code fileName} is exactly one of the documented names (case-sensitive). */
    public boolean contains(String fileName) {
        return fileName != null && NAMES.contains(fileName);
    }

    // ---- overrides ---------------------------------------------------------------------------

    /** The bytes of {@code file} when it is a usable override; null when absent or unusable. */
    private static byte[] override(Path file) {
        if (!Files.exists(file)) {
            return null;
        }
        if (!Files.isRegularFile(file)) {
            LOG.warn("Ignoring security image override {}: not a regular file", file);
            return null;
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(OVERRIDE_BYTES_MAX + 1);
        } catch (IOException e) {
            LOG.warn("Ignoring security image override {}: cannot read it ({})", file, e.toString());
            return null;
        }
        if (bytes.length > OVERRIDE_BYTES_MAX) {
            LOG.warn("Ignoring security image override {}: larger than {} bytes", file, OVERRIDE_BYTES_MAX);
            return null;
        }
        if (bytes.length < PNG_SIGNATURE.length
                || !Arrays.equals(bytes, 0, PNG_SIGNATURE.length, PNG_SIGNATURE, 0, PNG_SIGNATURE.length)) {
            LOG.warn("Ignoring security image override {}: not a PNG file", file);
            return null;
        }
        String problem = pngProblem(bytes);
        if (problem != null) {
            LOG.warn("Ignoring security image override {}: {}", file, problem);
            return null;
        }
        LOG.info("Security image {} replaced by {}", file.getFileName(), file);
        return bytes;
    }

    /**
     * Why {@code png} cannot be served, or null when it can. The size is read from the header
     * before decoding, so a small file claiming a huge picture is never decoded.
     */
    private static String pngProblem(byte[] png) {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(png))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return "ImageIO cannot read it";
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                int width = reader.getWidth(0);
                int height = reader.getHeight(0);
                if (width != SIZE_PIXELS || height != SIZE_PIXELS) {
                    return "it is " + width + "×" + height + " pixels, not " + SIZE_PIXELS + "×" + SIZE_PIXELS;
                }
                reader.read(0);
                return null;
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            return "ImageIO cannot decode it (" + e.getMessage() + ")";
        }
    }

    // ---- drawing -----------------------------------------------------------------------------

    /**
     * The shared colours, in a class of their own: java.awt.Color loads the JDK's AWT library when
     * first used, which only drawing needs (not the start of a server that has not drawn yet).
     */
    private static final class Palette {
        static final Color TILE = new Color(0xF4F6FA);
        static final Color TILE_EDGE = new Color(0xD5DBE5);
        static final Color WHITE = Color.WHITE;
        static final Color INK = new Color(0x2B2B2B);
    }

    /** Corner radius of the light tile behind every picture, in pixels. */
    private static final double TILE_ARC_PIXELS = 18;
    private static final float OUTLINE_WIDTH_PIXELS = 1.6f;

    static byte[] encode(BufferedImage image) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(image, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The built-in picture for {@code name}, one of {@link #FILE_NAMES}. */
    static BufferedImage draw(String name) {
        BufferedImage image = new BufferedImage(SIZE_PIXELS, SIZE_PIXELS, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            RoundRectangle2D tile = new RoundRectangle2D.Double(0.5, 0.5, SIZE_PIXELS - 1, SIZE_PIXELS - 1,
                    TILE_ARC_PIXELS, TILE_ARC_PIXELS);
            g.setColor(Palette.TILE);
            g.fill(tile);
            g.setColor(Palette.TILE_EDGE);
            g.setStroke(new BasicStroke(1f));
            g.draw(tile);
            switch (name) {
                case "apple.png" -> apple(g);
                case "baloon.png" -> balloon(g);
                case "banana.png" -> banana(g);
                case "boat.png" -> boat(g);
                case "broccoli.png" -> broccoli(g);
                case "butterfly.png" -> butterfly(g);
                case "car.png" -> car(g);
                case "coffee.png" -> coffee(g);
                case "coockies.png" -> cookies(g);
                case "default.png" -> padlock(g);
                case "diamond.png" -> diamond(g);
                case "drum.png" -> drum(g);
                case "fish.png" -> fish(g);
                case "horse.png" -> horse(g);
                case "microphone.png" -> microphone(g);
                case "panda.png" -> panda(g);
                case "pelican.png" -> pelican(g);
                case "pyramids.png" -> pyramids(g);
                case "robot.png" -> robot(g);
                case "swan.png" -> swan(g);
                case "tiger.png" -> tiger(g);
                case "tomatoes.png" -> tomatoes(g);
                case "watch.png" -> watch(g);
                default -> throw new IllegalArgumentException("no security image named '" + name + "'");
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    // ---- drawing helpers ---------------------------------------------------------------------

    private static Color rgb(int rgb) {
        return new Color(rgb);
    }

    private static Color alpha(Color c, int alpha) {
        return new Color(c.getRed(), c.getGreen(), c.getBlue(), alpha);
    }

    /** {@code c} mixed with black: the outline colour of a shape filled with {@code c}. */
    private static Color shade(Color c, double black) {
        return new Color((int) (c.getRed() * (1 - black)), (int) (c.getGreen() * (1 - black)),
                (int) (c.getBlue() * (1 - black)), c.getAlpha());
    }

    /** Fills {@code s} with {@code fill} and outlines it in a darker shade of the same colour. */
    private static void shape(Graphics2D g, Shape s, Color fill) {
        shape(g, s, fill, shade(fill, 0.45));
    }

    private static void shape(Graphics2D g, Shape s, Color fill, Color outline) {
        g.setColor(fill);
        g.fill(s);
        g.setColor(outline);
        g.setStroke(new BasicStroke(OUTLINE_WIDTH_PIXELS, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.draw(s);
    }

    private static void fill(Graphics2D g, Shape s, Color fill) {
        g.setColor(fill);
        g.fill(s);
    }

    private static void line(Graphics2D g, Shape s, Color color, double width) {
        g.setColor(color);
        g.setStroke(new BasicStroke((float) width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        g.draw(s);
    }

    /** A line drawn with an outline: a wide dark stroke under a narrower coloured one. */
    private static void tube(Graphics2D g, Shape s, Color color, double width) {
        line(g, s, shade(color, 0.45), width + 2 * OUTLINE_WIDTH_PIXELS);
        line(g, s, color, width);
    }

    private static Ellipse2D circle(double cx, double cy, double r) {
        return new Ellipse2D.Double(cx - r, cy - r, 2 * r, 2 * r);
    }

    private static Ellipse2D oval(double x, double y, double w, double h) {
        return new Ellipse2D.Double(x, y, w, h);
    }

    private static Shape rotated(Shape s, double degrees, double cx, double cy) {
        return AffineTransform.getRotateInstance(Math.toRadians(degrees), cx, cy).createTransformedShape(s);
    }

    private static Path2D poly(double... xy) {
        Path2D.Double p = new Path2D.Double();
        p.moveTo(xy[0], xy[1]);
        for (int i = 2; i < xy.length; i += 2) {
            p.lineTo(xy[i], xy[i + 1]);
        }
        p.closePath();
        return p;
    }

    private static Line2D seg(double x1, double y1, double x2, double y2) {
        return new Line2D.Double(x1, y1, x2, y2);
    }

    private static void highlight(Graphics2D g, Shape s) {
        fill(g, s, alpha(Palette.WHITE, 150));
    }

    // ---- the pictures ------------------------------------------------------------------------

    private static void apple(Graphics2D g) {
        Path2D body = new Path2D.Double();
        body.moveTo(36, 25);
        body.curveTo(44, 19, 60, 22, 59, 40);
        body.curveTo(58, 56, 47, 64, 41, 62);
        body.curveTo(38, 61, 34, 61, 31, 62);
        body.curveTo(25, 64, 13, 56, 13, 40);
        body.curveTo(13, 22, 28, 19, 36, 25);
        body.closePath();
        line(g, new QuadCurve2D.Double(36, 28, 35, 19, 39, 12), rgb(0x6B4226), 3.5);
        Path2D leaf = new Path2D.Double();
        leaf.moveTo(39, 20);
        leaf.quadTo(43, 9, 56, 11);
        leaf.quadTo(52, 22, 39, 20);
        leaf.closePath();
        shape(g, body, rgb(0xDA2C2C));
        shape(g, leaf, rgb(0x47A84F));
        highlight(g, rotated(oval(19, 31, 7, 13), 20, 22, 37));
    }

    private static void balloon(Graphics2D g) {
        line(g, new CubicCurve2D.Double(36, 52, 29, 57, 43, 61, 35, 67), rgb(0x6D6D6D), 1.5);
        shape(g, poly(36, 48, 31, 54, 41, 54), rgb(0xC0307A));
        shape(g, oval(19, 7, 34, 43), rgb(0xE8489A));
        highlight(g, rotated(oval(25, 14, 7, 14), 25, 28, 21));
    }

    private static void banana(Graphics2D g) {
        Path2D body = new Path2D.Double();
        body.moveTo(17, 17);
        body.curveTo(12, 44, 32, 64, 60, 54);
        body.curveTo(62, 53, 62, 50, 59, 49);
        body.curveTo(38, 52, 24, 40, 24, 18);
        body.closePath();
        shape(g, body, rgb(0xF7D23E), rgb(0xB8941C));
        line(g, new CubicCurve2D.Double(20, 22, 19, 40, 32, 54, 54, 53), rgb(0xE0B62A), 1.5);
        shape(g, poly(16, 18, 17, 11, 23, 11, 24, 18), rgb(0x7A5A2A));
        fill(g, circle(60.5, 51.5, 2), rgb(0x4A3517));
    }

    private static void boat(Graphics2D g) {
        Path2D water = new Path2D.Double();
        water.moveTo(7, 58);
        for (int i = 0; i < 6; i++) {
            water.quadTo(7 + i * 10 + 5, 54, 7 + i * 10 + 10, 58);
        }
        water.lineTo(67, 64);
        water.quadTo(67, 66, 64, 66);
        water.lineTo(9, 66);
        water.quadTo(7, 66, 7, 64);
        water.closePath();
        line(g, seg(36, 10, 36, 46), rgb(0x5B3A1E), 2.5);
        shape(g, poly(39, 12, 39, 43, 60, 43), Palette.WHITE, rgb(0x7F8C9A));
        shape(g, poly(33, 17, 33, 43, 15, 43), rgb(0xE5533C));
        shape(g, poly(36, 9, 36, 3.5, 43, 6.25), rgb(0xF2C230));
        shape(g, poly(10, 46, 62, 46, 54, 58, 18, 58), rgb(0x9A6232));
        line(g, seg(15, 50, 58, 50), rgb(0xC98F55), 1.5);
        shape(g, water, rgb(0x3C8FE0));
    }

    private static void broccoli(Graphics2D g) {
        Path2D stalk = new Path2D.Double();
        stalk.moveTo(29, 38);
        stalk.lineTo(43, 38);
        stalk.lineTo(42, 60);
        stalk.quadTo(36, 64, 30, 60);
        stalk.closePath();
        shape(g, stalk, rgb(0x9CCB62));
        line(g, seg(36, 44, 28, 36), rgb(0x9CCB62), 4);
        line(g, seg(36, 44, 44, 36), rgb(0x9CCB62), 4);
        Color floret = rgb(0x2F8F3A);
        double[][] florets = {{22, 31, 10}, {50, 31, 10}, {36, 22, 12}, {27, 18, 8}, {45, 18, 8}, {36, 35, 9}};
        for (double[] f : florets) {
            shape(g, circle(f[0], f[1], f[2]), floret);
        }
        double[][] buds = {{20, 29}, {26, 34}, {33, 18}, {40, 24}, {47, 29}, {52, 34}, {36, 36}, {28, 16}, {44, 16}};
        for (double[] b : buds) {
            fill(g, circle(b[0], b[1], 2), rgb(0x1E6B28));
        }
    }

    private static void butterfly(Graphics2D g) {
        Color upper = rgb(0xF5A020);
        Color lower = rgb(0xE8632B);
        Color edge = rgb(0x3A2A1A);
        shape(g, rotated(oval(10, 36, 24, 18), 25, 22, 45), lower, edge);
        shape(g, rotated(oval(38, 36, 24, 18), -25, 50, 45), lower, edge);
        shape(g, rotated(oval(7, 13, 30, 25), -20, 22, 25), upper, edge);
        shape(g, rotated(oval(35, 13, 30, 25), 20, 50, 25), upper, edge);
        fill(g, circle(17, 22, 3.5), Palette.WHITE);
        fill(g, circle(55, 22, 3.5), Palette.WHITE);
        fill(g, circle(21, 47, 2.5), rgb(0xFFE08A));
        fill(g, circle(51, 47, 2.5), rgb(0xFFE08A));
        line(g, new QuadCurve2D.Double(35, 17, 31, 8, 25, 7), edge, 1.5);
        line(g, new QuadCurve2D.Double(37, 17, 41, 8, 47, 7), edge, 1.5);
        fill(g, circle(25, 7, 2), edge);
        fill(g, circle(47, 7, 2), edge);
        fill(g, new RoundRectangle2D.Double(33.5, 16, 5, 40, 5, 5), edge);
    }

    private static void car(Graphics2D g) {
        Color paint = rgb(0x2F6FDE);
        Path2D body = new Path2D.Double();
        body.moveTo(8, 48);
        body.lineTo(8, 40);
        body.quadTo(8, 35, 14, 34);
        body.lineTo(20, 33);
        body.lineTo(27, 21);
        body.lineTo(47, 21);
        body.lineTo(55, 33);
        body.lineTo(60, 34);
        body.quadTo(64, 35, 64, 40);
        body.lineTo(64, 48);
        body.closePath();
        shape(g, body, paint);
        Color glass = rgb(0xCFEBFF);
        shape(g, poly(23, 33, 29, 24, 35, 24, 35, 33), glass, shade(paint, 0.3));
        shape(g, poly(38, 33, 38, 24, 45, 24, 51, 33), glass, shade(paint, 0.3));
        fill(g, new RoundRectangle2D.Double(58, 37, 5, 4, 2, 2), rgb(0xFFD84D));
        fill(g, new RoundRectangle2D.Double(9, 37, 4, 4, 2, 2), rgb(0xFF6B5B));
        for (double x : new double[] {22, 50}) {
            shape(g, circle(x, 49, 8), rgb(0x2B2B2B), rgb(0x111111));
            fill(g, circle(x, 49, 3.5), rgb(0xBFC5CC));
        }
    }

    private static void coffee(Graphics2D g) {
        Color steam = rgb(0xA9B1BA);
        for (double x : new double[] {26, 34, 42}) {
            line(g, new CubicCurve2D.Double(x, 22, x - 4, 17, x + 4, 13, x, 7), steam, 2);
        }
        shape(g, oval(9, 55, 50, 10), rgb(0xDADFE5), rgb(0x8B95A1));
        Color cup = rgb(0xE86F3A);
        line(g, new Arc2D.Double(42, 31, 18, 17, -90, 180, Arc2D.OPEN), shade(cup, 0.45), 6.5);
        line(g, new Arc2D.Double(42, 31, 18, 17, -90, 180, Arc2D.OPEN), cup, 3.5);
        Path2D body = new Path2D.Double();
        body.moveTo(14, 27);
        body.lineTo(52, 27);
        body.lineTo(49, 52);
        body.quadTo(48, 59, 41, 59);
        body.lineTo(25, 59);
        body.quadTo(18, 59, 17, 52);
        body.closePath();
        shape(g, body, cup);
        shape(g, oval(14, 23, 38, 8), rgb(0x6B4226));
        highlight(g, new RoundRectangle2D.Double(20, 33, 4, 18, 4, 4));
    }

    private static void cookies(Graphics2D g) {
        Color dough = rgb(0xD9A25A);
        Color chip = rgb(0x4A2612);
        shape(g, circle(48, 47, 15), shade(dough, 0.1));
        for (double[] c : new double[][] {{43, 44}, {52, 52}, {54, 42}, {45, 55}}) {
            fill(g, circle(c[0], c[1], 2.2), chip);
        }
        Area cookie = new Area(circle(30, 32, 22));
        cookie.subtract(new Area(circle(51, 17, 7)));
        cookie.subtract(new Area(circle(46, 9, 6)));
        shape(g, cookie, dough);
        double[][] chips = {{20, 22, 3}, {32, 19, 2.5}, {24, 36, 3}, {36, 31, 3.2}, {16, 42, 2.5}, {30, 46, 3},
                {42, 40, 2.5}, {40, 22, 2.2}};
        for (double[] c : chips) {
            fill(g, rotated(oval(c[0] - c[2], c[1] - c[2] * 0.8, 2 * c[2], 1.6 * c[2]), c[0] * 7, c[0], c[1]), chip);
        }
    }

    private static void padlock(Graphics2D g) {
        Color steel = rgb(0x8E99A6);
        Path2D shackle = new Path2D.Double();
        shackle.moveTo(24, 34);
        shackle.lineTo(24, 24);
        shackle.curveTo(24, 8, 48, 8, 48, 24);
        shackle.lineTo(48, 34);
        tube(g, shackle, steel, 6);
        shape(g, new RoundRectangle2D.Double(14, 31, 44, 33, 9, 9), rgb(0xF0B92A));
        Path2D keyhole = new Path2D.Double();
        keyhole.append(circle(36, 43, 4.5), false);
        keyhole.append(poly(33.5, 45, 38.5, 45, 40, 55, 32, 55), false);
        fill(g, new Area(keyhole), rgb(0x4A3A12));
        highlight(g, new RoundRectangle2D.Double(18, 35, 4, 24, 4, 4));
    }

    private static void diamond(Graphics2D g) {
        Color edge = rgb(0x1C6E96);
        double top = 16;
        double girdle = 30;
        double tip = 64;
        shape(g, poly(22, top, 50, top, 63, girdle, 36, tip, 9, girdle), rgb(0x8FDDF7), edge);
        fill(g, poly(22, top, 29, girdle, 9, girdle), rgb(0xC8F1FF));
        fill(g, poly(29, girdle, 36, top, 43, girdle), rgb(0xB3E9FB));
        fill(g, poly(50, top, 63, girdle, 43, girdle), rgb(0x5FC4EC));
        fill(g, poly(9, girdle, 29, girdle, 36, tip), rgb(0x7AD3F3));
        fill(g, poly(43, girdle, 63, girdle, 36, tip), rgb(0x3EA9DA));
        Path2D facets = new Path2D.Double();
        facets.moveTo(9, girdle);
        facets.lineTo(63, girdle);
        facets.moveTo(22, top);
        facets.lineTo(29, girdle);
        facets.lineTo(36, top);
        facets.lineTo(43, girdle);
        facets.lineTo(50, top);
        facets.moveTo(29, girdle);
        facets.lineTo(36, tip);
        facets.lineTo(43, girdle);
        line(g, facets, edge, 1.2);
        line(g, poly(22, top, 50, top, 63, girdle, 36, tip, 9, girdle), edge, OUTLINE_WIDTH_PIXELS);
        Path2D sparkle = new Path2D.Double();
        sparkle.moveTo(58, 6);
        sparkle.lineTo(58, 14);
        sparkle.moveTo(54, 10);
        sparkle.lineTo(62, 10);
        line(g, sparkle, rgb(0xF2C230), 1.8);
    }

    private static void drum(Graphics2D g) {
        Color wood = rgb(0x9A6232);
        line(g, seg(14, 6, 38, 28), wood, 3);
        line(g, seg(58, 6, 34, 28), wood, 3);
        fill(g, circle(14, 6, 3), rgb(0xF2E6CF));
        fill(g, circle(58, 6, 3), rgb(0xF2E6CF));
        Color shell = rgb(0xC63A3A);
        Path2D body = new Path2D.Double();
        body.moveTo(13, 30);
        body.lineTo(13, 56);
        body.curveTo(13, 65, 59, 65, 59, 56);
        body.lineTo(59, 30);
        body.closePath();
        shape(g, body, shell);
        Color gold = rgb(0xF2C230);
        Path2D cords = new Path2D.Double();
        cords.moveTo(13, 36);
        for (int i = 0; i < 6; i++) {
            double x = 13 + i * 46.0 / 6;
            double bottomY = 52 + 7 * Math.sin(Math.PI * (x + 23.0 / 6 - 13) / 46);
            cords.lineTo(x + 23.0 / 6, bottomY);
            cords.lineTo(x + 46.0 / 6, 36 + 7 * Math.sin(Math.PI * (i + 1) / 6));
        }
        line(g, cords, gold, 1.6);
        line(g, new Arc2D.Double(13, 51, 46, 10, 180, 180, Arc2D.OPEN), gold, 3);
        shape(g, oval(13, 24, 46, 12), rgb(0xF5EBD8), rgb(0x8A7A60));
        line(g, oval(13, 24, 46, 12), gold, 2.2);
    }

    private static void fish(Graphics2D g) {
        Color body = rgb(0xFF8A1F);
        Color edge = shade(body, 0.5);
        shape(g, poly(50, 36, 65, 23, 62, 36, 65, 49), body, edge);
        shape(g, poly(24, 24, 34, 14, 44, 25), body, edge);
        shape(g, poly(28, 47, 36, 56, 40, 46), body, edge);
        Ellipse2D shell = oval(8, 22, 48, 28);
        shape(g, shell, body, edge);
        Area band = new Area(shell);
        band.intersect(new Area(new Rectangle2D.Double(26, 0, 6, 72)));
        fill(g, band, Palette.WHITE);
        Area band2 = new Area(shell);
        band2.intersect(new Area(new Rectangle2D.Double(41, 0, 5, 72)));
        fill(g, band2, Palette.WHITE);
        line(g, shell, edge, OUTLINE_WIDTH_PIXELS);
        fill(g, circle(18, 32, 4), Palette.WHITE);
        fill(g, circle(17.5, 32, 2.3), Palette.INK);
        line(g, new QuadCurve2D.Double(10, 39, 13, 41, 16, 40), edge, 1.2);
        line(g, circle(12, 12, 2.5), rgb(0x6FB3E8), 1.3);
        line(g, circle(7, 19, 1.6), rgb(0x6FB3E8), 1.2);
    }

    private static void horse(Graphics2D g) {
        Color coat = rgb(0x9B5E34);
        Color mane = rgb(0x3D2414);
        Path2D head = new Path2D.Double();
        head.moveTo(56, 66);
        head.lineTo(55, 40);
        head.curveTo(55, 26, 50, 18, 46, 14);
        head.lineTo(47, 5);
        head.lineTo(41, 11);
        head.curveTo(33, 12, 24, 20, 17, 32);
        head.curveTo(13, 39, 10, 43, 11, 47);
        head.curveTo(12, 51, 17, 53, 22, 50);
        head.curveTo(26, 47, 30, 44, 34, 42);
        head.curveTo(35, 50, 31, 58, 27, 66);
        head.closePath();
        Path2D hair = new Path2D.Double();
        hair.moveTo(44, 12);
        hair.curveTo(54, 16, 60, 26, 60, 40);
        hair.lineTo(62, 66);
        hair.lineTo(55, 66);
        hair.curveTo(55, 48, 53, 26, 42, 15);
        hair.closePath();
        shape(g, head, coat);
        shape(g, hair, mane);
        shape(g, poly(44, 12, 40, 20, 35, 15), mane);
        fill(g, circle(32, 24, 2.6), Palette.INK);
        fill(g, circle(32.8, 23.2, 0.9), Palette.WHITE);
        fill(g, rotated(oval(13, 42, 5, 3), -30, 15.5, 43.5), shade(coat, 0.55));
        line(g, new QuadCurve2D.Double(14, 49, 18, 50, 21, 48), shade(coat, 0.45), 1.2);
    }

    private static void microphone(Graphics2D g) {
        Color metal = rgb(0x5A6470);
        line(g, new Arc2D.Double(17, 14, 38, 38, 180, 180, Arc2D.OPEN), metal, 3);
        line(g, seg(36, 52, 36, 60), metal, 3);
        shape(g, new RoundRectangle2D.Double(24, 60, 24, 5, 4, 4), metal);
        RoundRectangle2D head = new RoundRectangle2D.Double(25, 6, 22, 38, 22, 22);
        shape(g, head, rgb(0xB9C1CA), rgb(0x4D5560));
        Area grille = new Area(new RoundRectangle2D.Double(25, 6, 22, 22, 22, 22));
        grille.add(new Area(new Rectangle2D.Double(25, 17, 22, 11)));
        g.setClip(grille);
        for (double x = 27; x < 47; x += 4) {
            line(g, seg(x, 4, x, 30), rgb(0x7C8692), 1.1);
        }
        for (double y = 9; y < 30; y += 4) {
            line(g, seg(20, y, 52, y), rgb(0x7C8692), 1.1);
        }
        g.setClip(null);
        line(g, head, rgb(0x4D5560), OUTLINE_WIDTH_PIXELS);
        fill(g, new Rectangle2D.Double(25.8, 28, 20.4, 3), rgb(0xE04848));
        highlight(g, new RoundRectangle2D.Double(29, 32, 3, 9, 3, 3));
    }

    private static void panda(Graphics2D g) {
        Color black = rgb(0x222222);
        shape(g, circle(19, 18, 8), black);
        shape(g, circle(53, 18, 8), black);
        shape(g, oval(10, 14, 52, 48), Palette.WHITE, rgb(0x9AA3AD));
        fill(g, rotated(oval(18, 28, 13, 17), 35, 24.5, 36.5), black);
        fill(g, rotated(oval(41, 28, 13, 17), -35, 47.5, 36.5), black);
        fill(g, circle(26, 35, 3), Palette.WHITE);
        fill(g, circle(46, 35, 3), Palette.WHITE);
        fill(g, circle(26.5, 35, 1.6), black);
        fill(g, circle(45.5, 35, 1.6), black);
        fill(g, oval(31, 44, 10, 6.5), black);
        Path2D mouth = new Path2D.Double();
        mouth.moveTo(36, 50);
        mouth.lineTo(36, 53);
        mouth.moveTo(31, 53);
        mouth.quadTo(33.5, 56, 36, 53);
        mouth.quadTo(38.5, 56, 41, 53);
        line(g, mouth, black, 1.4);
    }

    private static void pelican(Graphics2D g) {
        Color wood = rgb(0x8A5A2E);
        shape(g, new RoundRectangle2D.Double(40, 52, 10, 16, 3, 3), wood);
        line(g, seg(43, 44, 43, 53), rgb(0xE8922C), 2);
        line(g, seg(48, 44, 47, 53), rgb(0xE8922C), 2);
        Color feathers = Palette.WHITE;
        Color edge = rgb(0x8D98A5);
        Path2D body = new Path2D.Double();
        body.moveTo(30, 32);
        body.curveTo(32, 26, 48, 24, 58, 34);
        body.lineTo(66, 44);
        body.lineTo(55, 43);
        body.curveTo(46, 50, 32, 48, 30, 38);
        body.closePath();
        Area bird = new Area(body);
        bird.add(new Area(new BasicStroke(7f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND)
                .createStrokedShape(new CubicCurve2D.Double(34, 34, 26, 28, 34, 20, 28, 14))));
        bird.add(new Area(circle(28, 13, 6)));
        shape(g, bird, feathers, edge);
        Path2D wing = new Path2D.Double();
        wing.moveTo(38, 33);
        wing.curveTo(46, 28, 56, 32, 63, 42);
        wing.curveTo(52, 42, 44, 40, 38, 33);
        wing.closePath();
        shape(g, wing, rgb(0xC7CED6), edge);
        Path2D pouch = new Path2D.Double();
        pouch.moveTo(24, 16);
        pouch.lineTo(5, 26);
        pouch.curveTo(9, 36, 20, 35, 26, 22);
        pouch.closePath();
        shape(g, pouch, rgb(0xF5A93A), rgb(0xB86A14));
        shape(g, poly(23, 12, 4, 25, 24, 17), rgb(0xF2C230), rgb(0xB86A14));
        fill(g, circle(29, 11.5, 1.6), Palette.INK);
    }

    private static void pyramids(Graphics2D g) {
        fill(g, circle(54, 17, 7), rgb(0xF7C843));
        Color light = rgb(0xEBC06A);
        Color dark = rgb(0xC48E3A);
        Color edge = rgb(0x8A5E22);
        shape(g, poly(36, 54, 51, 31, 66, 54), light, edge);
        fill(g, poly(51, 31, 66, 54, 55, 54), dark);
        line(g, poly(36, 54, 51, 31, 66, 54), edge, OUTLINE_WIDTH_PIXELS);
        shape(g, poly(6, 54, 28, 18, 50, 54), light, edge);
        fill(g, poly(28, 18, 50, 54, 34, 54), dark);
        line(g, poly(6, 54, 28, 18, 50, 54), edge, OUTLINE_WIDTH_PIXELS);
        Path2D courses = new Path2D.Double();
        for (double y = 27; y < 54; y += 6.5) {
            double half = (y - 18) * 22 / 36;
            courses.moveTo(28 - half + 1, y);
            courses.lineTo(28 + half - 1, y);
        }
        line(g, courses, alpha(edge, 110), 0.9);
        Path2D sand = new Path2D.Double();
        sand.moveTo(4, 56);
        sand.quadTo(36, 50, 68, 56);
        sand.lineTo(68, 61);
        sand.quadTo(68, 66, 62, 66);
        sand.lineTo(10, 66);
        sand.quadTo(4, 66, 4, 61);
        sand.closePath();
        shape(g, sand, rgb(0xF2D892), rgb(0xC9A654));
    }

    private static void robot(Graphics2D g) {
        Color metal = rgb(0x8FA3B8);
        Color edge = rgb(0x3E4C5C);
        line(g, seg(36, 8, 36, 18), edge, 2.2);
        shape(g, circle(36, 8, 4), rgb(0xE5483C));
        shape(g, new RoundRectangle2D.Double(9, 30, 7, 16, 3, 3), rgb(0x6D8196), edge);
        shape(g, new RoundRectangle2D.Double(56, 30, 7, 16, 3, 3), rgb(0x6D8196), edge);
        shape(g, new RoundRectangle2D.Double(14, 17, 44, 44, 10, 10), metal, edge);
        for (double x : new double[] {26, 46}) {
            shape(g, circle(x, 32, 6.5), Palette.WHITE, edge);
            fill(g, circle(x, 32, 3.5), rgb(0x23B5D3));
            fill(g, circle(x + 1, 31, 1), Palette.WHITE);
        }
        shape(g, new RoundRectangle2D.Double(22, 45, 28, 9, 3, 3), rgb(0xF2F5F8), edge);
        for (double x = 29; x < 50; x += 7) {
            line(g, seg(x, 45.5, x, 53.5), edge, 1.2);
        }
    }

    private static void swan(Graphics2D g) {
        Path2D water = new Path2D.Double();
        water.moveTo(6, 57);
        for (int i = 0; i < 6; i++) {
            water.quadTo(6 + i * 10 + 5, 53, 6 + i * 10 + 10, 57);
        }
        water.lineTo(66, 62);
        water.quadTo(66, 66, 62, 66);
        water.lineTo(10, 66);
        water.quadTo(6, 66, 6, 62);
        water.closePath();
        Color edge = rgb(0x8D98A5);
        Path2D body = new Path2D.Double();
        body.moveTo(14, 45);
        body.curveTo(14, 56, 40, 60, 54, 52);
        body.curveTo(60, 48, 63, 42, 64, 34);
        body.curveTo(56, 41, 46, 40, 36, 40);
        body.curveTo(26, 40, 16, 39, 14, 45);
        body.closePath();
        Area swan = new Area(body);
        swan.add(new Area(new BasicStroke(6.5f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND)
                .createStrokedShape(new CubicCurve2D.Double(20, 44, 9, 30, 33, 27, 25, 13))));
        swan.add(new Area(circle(25, 12, 5.5)));
        shape(g, poly(21, 9.5, 11, 15.5, 21.5, 15.5), rgb(0xF08A24), rgb(0xA8561A));
        shape(g, swan, Palette.WHITE, edge);
        Path2D wing = new Path2D.Double();
        wing.moveTo(26, 47);
        wing.curveTo(34, 38, 48, 36, 61, 37);
        wing.curveTo(55, 50, 38, 53, 26, 47);
        wing.closePath();
        shape(g, wing, rgb(0xE3E9EF), edge);
        line(g, new QuadCurve2D.Double(36, 46, 44, 43, 52, 42), edge, 1);
        fill(g, circle(21.3, 12.2, 1.5), Palette.INK);
        fill(g, circle(26.5, 10.8, 1.4), Palette.INK);
        shape(g, water, rgb(0x5AA7E6));
    }

    private static void tiger(Graphics2D g) {
        Color fur = rgb(0xF28A1E);
        Color black = rgb(0x1E1A16);
        shape(g, circle(18, 18, 7), fur, black);
        shape(g, circle(54, 18, 7), fur, black);
        fill(g, circle(18, 18, 3.5), rgb(0xFBE3C6));
        fill(g, circle(54, 18, 3.5), rgb(0xFBE3C6));
        Ellipse2D face = oval(10, 14, 52, 48);
        shape(g, face, fur, black);
        g.setClip(face);
        fill(g, poly(36, 14, 31, 14, 34, 24, 38, 24, 41, 14), black);
        fill(g, poly(27, 15, 24, 16, 29, 24), black);
        fill(g, poly(45, 15, 48, 16, 43, 24), black);
        fill(g, poly(8, 34, 21, 37, 8, 40), black);
        fill(g, poly(8, 43, 19, 45, 8, 49), black);
        fill(g, poly(64, 34, 51, 37, 64, 40), black);
        fill(g, poly(64, 43, 53, 45, 64, 49), black);
        g.setClip(null);
        fill(g, oval(20, 40, 17, 17), rgb(0xFFF6EA));
        fill(g, oval(35, 40, 17, 17), rgb(0xFFF6EA));
        fill(g, oval(24, 51, 24, 10), rgb(0xFFF6EA));
        line(g, face, black, OUTLINE_WIDTH_PIXELS);
        for (double x : new double[] {26, 46}) {
            fill(g, oval(x - 4, 29, 8, 6), rgb(0xF2D43A));
            fill(g, oval(x - 1, 29, 2, 6), black);
        }
        fill(g, poly(31, 41, 41, 41, 36, 47), rgb(0xD9566A));
        Path2D mouth = new Path2D.Double();
        mouth.moveTo(36, 47);
        mouth.lineTo(36, 50);
        mouth.moveTo(31, 51);
        mouth.quadTo(33.5, 53, 36, 50);
        mouth.quadTo(38.5, 53, 41, 51);
        line(g, mouth, black, 1.3);
    }

    private static void tomatoes(Graphics2D g) {
        Color red = rgb(0xEE3B2B);
        Color leaf = rgb(0x3E9A3A);
        double[][] fruit = {{25, 28, 15}, {48, 34, 14}, {33, 48, 15}};
        for (double[] f : fruit) {
            double cx = f[0];
            double cy = f[1];
            double r = f[2];
            shape(g, oval(cx - r, cy - r * 0.88, 2 * r, 1.76 * r), red);
            highlight(g, rotated(oval(cx - r * 0.65, cy - r * 0.5, r * 0.35, r * 0.6), 30, cx - r * 0.5, cy - r * 0.2));
            Path2D star = new Path2D.Double();
            double top = cy - r * 0.8;
            for (int i = 0; i < 10; i++) {
                double angle = -Math.PI / 2 + i * Math.PI / 5;
                double radius = i % 2 == 0 ? r * 0.55 : r * 0.18;
                double x = cx + radius * Math.cos(angle);
                double y = top + 0.6 * radius * Math.sin(angle) + r * 0.05;
                if (i == 0) {
                    star.moveTo(x, y);
                } else {
                    star.lineTo(x, y);
                }
            }
            star.closePath();
            shape(g, star, leaf);
            line(g, seg(cx, top, cx + 1, top - r * 0.3), shade(leaf, 0.2), 2);
        }
    }

    private static void watch(Graphics2D g) {
        Color leather = rgb(0x7B4A2A);
        shape(g, new RoundRectangle2D.Double(27, 3, 18, 66, 6, 6), leather);
        for (double y : new double[] {56, 61}) {
            fill(g, circle(36, y, 1.3), shade(leather, 0.5));
        }
        shape(g, new RoundRectangle2D.Double(57, 33, 5, 6, 2, 2), rgb(0xC9A43A));
        shape(g, circle(36, 36, 22), rgb(0xE1B84A), rgb(0x8A6A1C));
        shape(g, circle(36, 36, 17.5), Palette.WHITE, rgb(0xA68A3A));
        for (int i = 0; i < 12; i++) {
            double a = i * Math.PI / 6;
            double inner = i % 3 == 0 ? 12.5 : 14.5;
            line(g, seg(36 + inner * Math.sin(a), 36 - inner * Math.cos(a), 36 + 16 * Math.sin(a),
                    36 - 16 * Math.cos(a)), Palette.INK, i % 3 == 0 ? 1.8 : 1);
        }
        line(g, seg(36, 36, 36 + 8 * Math.sin(Math.toRadians(300)), 36 - 8 * Math.cos(Math.toRadians(300))), Palette.INK, 2.6);
        line(g, seg(36, 36, 36 + 13 * Math.sin(Math.toRadians(60)), 36 - 13 * Math.cos(Math.toRadians(60))), Palette.INK, 1.8);
        fill(g, circle(36, 36, 2), rgb(0xD83A3A));
    }
}
