package dev.crater.images;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Goal: the security pictures are exactly the 23 documented names in the documented order, each a
 * 72×72 PNG that is not blank and that a trader can tell apart from every other one; the picture
 * set can be overridden per file by a broker, and unusable override files are ignored (with a
 * warning) rather than served; drawing never needs a display.
 *
 * <p>Method: decode every PNG with ImageIO and compare pictures pairwise by their bytes and by
 * their pixels downscaled to 6×6-pixel blocks (mean colour difference, so that two pictures that
 * differ only in a few pixels count as the same); write override files into a temporary directory
 * and capture the class's log; construct the pictures in a separate JVM started with
 * {@code -Djava.awt.headless=true} and no {@code DISPLAY}. Running with
 * {@code -Dcrater.securityImages.sheet=/tmp/security-images-sheet.png} also writes a contact sheet
 * of all pictures, for a person to look at.
 */
class SecurityImagesTest {
    static final List<String> DOCUMENTED = List.of(
            "apple.png", "baloon.png", "banana.png", "boat.png", "broccoli.png", "butterfly.png",
            "car.png", "coffee.png", "coockies.png", "default.png", "diamond.png", "drum.png",
            "fish.png", "horse.png", "microphone.png", "panda.png", "pelican.png", "pyramids.png",
            "robot.png", "swan.png", "tiger.png", "tomatoes.png", "watch.png");
    /** Side of the square blocks pictures are averaged over before comparing, in pixels. */
    static final int BLOCK_PIXELS = 6;
    /**
     * Smallest mean per-channel difference (0–255) between two pictures' averaged blocks. Two
     * copies of one picture with a few pixels changed score about 0; the closest distinct built-in
     * pairs score well above this.
     */
    static final double BLOCK_DIFFERENCE_MIN = 12;
    /** Share of a picture's pixels that must be foreground, and that must be background. */
    static final double PIXEL_SHARE_MIN = 0.10;

    static final SecurityImages BUILT_IN = new SecurityImages(null);

    final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    Logger logger;

    @BeforeEach
    void captureLog() {
        logger = (Logger) LoggerFactory.getLogger(SecurityImages.class);
        logs.start();
        logger.addAppender(logs);
    }

    @AfterEach
    void releaseLog() {
        logger.detachAppender(logs);
    }

    // ---- the built-in set ----------------------------------------------------------------------

    @Test
    void exactlyTheDocumentedNamesInTheDocumentedOrder() {
        assertThat(SecurityImages.FILE_NAMES).containsExactlyElementsOf(DOCUMENTED);
        assertThat(BUILT_IN.all()).extracting(SecurityImages.Image::fileName).containsExactlyElementsOf(DOCUMENTED);
        assertThat(SecurityImages.SIZE_PIXELS).isEqualTo(72);
    }

    @Test
    void everyPictureIsA72PixelSquarePng() {
        for (SecurityImages.Image image : BUILT_IN.all()) {
            byte[] png = image.png();
            assertThat(Arrays.copyOf(png, 8)).as(image.fileName())
                    .containsExactly(0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n');
            BufferedImage decoded = decode(png);
            assertThat(decoded).as(image.fileName()).isNotNull();
            assertThat(decoded.getWidth()).as(image.fileName()).isEqualTo(72);
            assertThat(decoded.getHeight()).as(image.fileName()).isEqualTo(72);
        }
    }

    @Test
    void everyPictureHasBothBackgroundAndForeground() {
        for (SecurityImages.Image image : BUILT_IN.all()) {
            BufferedImage decoded = decode(image.png());
            int background = dominantOpaqueColour(decoded);
            int foreground = 0;
            int total = decoded.getWidth() * decoded.getHeight();
            for (int y = 0; y < decoded.getHeight(); y++) {
                for (int x = 0; x < decoded.getWidth(); x++) {
                    int argb = decoded.getRGB(x, y);
                    if (argb >>> 24 == 0xFF && distance(argb, background) > 48) {
                        foreground++;
                    }
                }
            }
            assertThat((double) foreground / total).as(image.fileName() + " foreground share")
                    .isBetween(PIXEL_SHARE_MIN, 1 - PIXEL_SHARE_MIN);
            assertThat(decoded.getRGB(0, 0) >>> 24).as(image.fileName() + " rounded corner").isZero();
        }
    }

    @Test
    void everyPairOfPicturesDiffersInBytesAndVisibly() {
        List<SecurityImages.Image> all = BUILT_IN.all();
        List<double[]> blocks = all.stream().map(i -> blocks(decode(i.png()))).toList();
        double closest = Double.MAX_VALUE;
        String closestPair = "";
        for (int a = 0; a < all.size(); a++) {
            for (int b = a + 1; b < all.size(); b++) {
                String pair = all.get(a).fileName() + " / " + all.get(b).fileName();
                assertThat(all.get(a).png()).as(pair).isNotEqualTo(all.get(b).png());
                double difference = meanDifference(blocks.get(a), blocks.get(b));
                assertThat(difference).as(pair).isGreaterThan(BLOCK_DIFFERENCE_MIN);
                if (difference < closest) {
                    closest = difference;
                    closestPair = pair;
                }
            }
        }
        System.out.printf("closest pair: %s, mean block difference %.1f%n", closestPair, closest);
    }

    @Test
    void theComparisonCatchesNearIdenticalPictures() {
        BufferedImage apple = decode(BUILT_IN.all().get(0).png());
        BufferedImage touched = decode(BUILT_IN.all().get(0).png());
        for (int i = 20; i < 30; i++) {
            touched.setRGB(i, i, 0xFF000000);
        }
        assertThat(meanDifference(blocks(apple), blocks(touched))).isLessThan(BLOCK_DIFFERENCE_MIN);
    }

    @Test
    void drawingIsRepeatable() {
        assertThat(new SecurityImages(null).all()).isEqualTo(BUILT_IN.all());
    }

    @Test
    void pngBytesCannotBeAlteredByACaller() {
        SecurityImages images = new SecurityImages(null);
        byte[] png = images.all().get(0).png();
        png[20] ^= 0x55;
        assertThat(images.all().get(0).png()).isEqualTo(BUILT_IN.all().get(0).png());
        assertThat(images.all()).isUnmodifiable();
    }

    @Test
    void containsOnlyTheExactDocumentedNames() {
        for (String name : DOCUMENTED) {
            assertThat(BUILT_IN.contains(name)).as(name).isTrue();
        }
        for (String name : new String[] {"Apple.png", "APPLE.PNG", "../apple.png", "apple", "apple.png ",
                "/apple.png", "balloon.png", "cookies.png", "", "apple.jpg"}) {
            assertThat(BUILT_IN.contains(name)).as(name).isFalse();
        }
        assertThat(BUILT_IN.contains(null)).isFalse();
    }

    // ---- overrides -----------------------------------------------------------------------------

    @Test
    void aValidOverrideReplacesOnlyThatPicture(@TempDir Path dir) throws IOException {
        byte[] own = solidPng(72, 72, new Color(0x12, 0x34, 0x56));
        Files.write(dir.resolve("apple.png"), own);

        List<SecurityImages.Image> images = new SecurityImages(dir).all();

        assertThat(images.get(0).fileName()).isEqualTo("apple.png");
        assertThat(images.get(0).png()).isEqualTo(own);
        assertThat(images.subList(1, images.size())).isEqualTo(BUILT_IN.all().subList(1, images.size()));
        assertThat(warnings()).isEmpty();
    }

    @Test
    void aFileThatIsNotAPngIsIgnoredWithAWarning(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("baloon.png"), "not a picture at all", StandardCharsets.US_ASCII);
        byte[] jpeg = encode(solidImage(72, 72, Color.RED, BufferedImage.TYPE_INT_RGB), "jpeg");
        Files.write(dir.resolve("banana.png"), jpeg);

        assertThat(new SecurityImages(dir).all()).isEqualTo(BUILT_IN.all());
        assertThat(warnings()).hasSize(2);
        assertThat(warnings().get(0)).contains("baloon.png").contains("not a PNG");
        assertThat(warnings().get(1)).contains("banana.png").contains("not a PNG");
    }

    @Test
    void aPngSignatureWithBrokenContentIsIgnored(@TempDir Path dir) throws IOException {
        byte[] broken = solidPng(72, 72, Color.GREEN);
        Arrays.fill(broken, 40, broken.length, (byte) 0x42);
        Files.write(dir.resolve("boat.png"), broken);

        assertThat(new SecurityImages(dir).all()).isEqualTo(BUILT_IN.all());
        assertThat(warnings()).singleElement().asString().contains("boat.png").contains("cannot decode");
    }

    @Test
    void anOverrideLargerThanTheLimitIsIgnored(@TempDir Path dir) throws IOException {
        byte[] png = solidPng(72, 72, Color.MAGENTA);
        // A valid PNG (readers stop at IEND) padded to one byte over the limit.
        byte[] atLimit = Arrays.copyOf(png, SecurityImages.OVERRIDE_BYTES_MAX);
        byte[] overLimit = Arrays.copyOf(png, SecurityImages.OVERRIDE_BYTES_MAX + 1);
        assertThat(decode(overLimit)).isNotNull();
        Files.write(dir.resolve("car.png"), atLimit);
        Files.write(dir.resolve("coffee.png"), overLimit);

        List<SecurityImages.Image> images = new SecurityImages(dir).all();

        assertThat(images.get(DOCUMENTED.indexOf("car.png")).png()).isEqualTo(atLimit);
        assertThat(images.get(DOCUMENTED.indexOf("coffee.png"))).isEqualTo(BUILT_IN.all().get(DOCUMENTED.indexOf("coffee.png")));
        assertThat(warnings()).singleElement().asString().contains("coffee.png").contains("larger than");
    }

    @Test
    void anOverrideOfTheWrongSizeIsIgnoredWithoutDecodingIt(@TempDir Path dir) throws IOException {
        Files.write(dir.resolve("diamond.png"), solidPng(64, 64, Color.CYAN));
        // Small file, huge picture: must be refused from its header, not decoded.
        Files.write(dir.resolve("drum.png"), withHeaderSize(solidPng(72, 72, Color.WHITE), 20_000, 20_000));

        assertThat(new SecurityImages(dir).all()).isEqualTo(BUILT_IN.all());
        assertThat(warnings()).hasSize(2);
        assertThat(warnings().get(0)).contains("diamond.png").contains("64×64");
        assertThat(warnings().get(1)).contains("drum.png").contains("20000×20000");
    }

    @Test
    void aDirectoryInPlaceOfAFileIsIgnored(@TempDir Path dir) throws IOException {
        Files.createDirectory(dir.resolve("fish.png"));

        assertThat(new SecurityImages(dir).all()).isEqualTo(BUILT_IN.all());
        assertThat(warnings()).singleElement().asString().contains("fish.png");
    }

    @Test
    void aMissingOverrideDirectoryMeansTheBuiltInPictures(@TempDir Path dir) {
        assertThat(new SecurityImages(dir.resolve("absent")).all()).isEqualTo(BUILT_IN.all());
        assertThat(new SecurityImages(dir).all()).isEqualTo(BUILT_IN.all());
        assertThat(warnings()).isEmpty();
    }

    // ---- no display ----------------------------------------------------------------------------

    @Test
    void drawsInAHeadlessJvmWithoutADisplay() throws Exception {
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.awt.headless=true", "-cp", classPath, HeadlessMain.class.getName())
                .redirectErrorStream(true);
        builder.environment().remove("DISPLAY");
        builder.environment().remove("WAYLAND_DISPLAY");
        builder.environment().put("CRATER_LOG_LEVEL", "WARN");
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        assertThat(output).contains("headless=true pictures=23");
    }

    /** Run in a child JVM by {@link #drawsInAHeadlessJvmWithoutADisplay}. */
    static final class HeadlessMain {
        public static void main(String[] args) {
            int count = new SecurityImages(null).all().size();
            System.out.println("headless=" + java.awt.GraphicsEnvironment.isHeadless() + " pictures=" + count);
        }
    }

    // ---- contact sheet, for a person to look at -----------------------------------------------

    @Test
    @EnabledIfSystemProperty(named = "crater.securityImages.sheet", matches = ".+")
    void writesAContactSheet() throws IOException {
        int scale = 3;
        int columns = 6;
        int gap = 8;
        int tile = SecurityImages.SIZE_PIXELS * scale;
        List<SecurityImages.Image> all = BUILT_IN.all();
        int rows = (all.size() + columns - 1) / columns;
        BufferedImage sheet = new BufferedImage(columns * (tile + gap) + gap + columns * (72 + gap),
                rows * (tile + gap) + gap, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, sheet.getWidth(), sheet.getHeight());
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_NEAREST_NEIGHBOR);
        for (int i = 0; i < all.size(); i++) {
            int x = gap + (i % columns) * (tile + gap);
            int y = gap + (i / columns) * (tile + gap);
            BufferedImage picture = decode(all.get(i).png());
            g.drawImage(picture, x, y, tile, tile, null);
            g.drawImage(picture, gap + columns * (tile + gap) + (i % columns) * (72 + gap), y, null);
        }
        g.dispose();
        Path out = Path.of(System.getProperty("crater.securityImages.sheet"));
        ImageIO.write(sheet, "png", out.toFile());
        System.out.println("contact sheet: " + out);
    }

    // ---- helpers -------------------------------------------------------------------------------

    List<String> warnings() {
        List<String> out = new ArrayList<>();
        for (ILoggingEvent e : logs.list) {
            if (e.getLevel() == Level.WARN) {
                out.add(e.getFormattedMessage());
            }
        }
        return out;
    }

    static BufferedImage decode(byte[] png) {
        try {
            return ImageIO.read(new ByteArrayInputStream(png));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static BufferedImage solidImage(int width, int height, Color color, int type) {
        BufferedImage image = new BufferedImage(width, height, type);
        Graphics2D g = image.createGraphics();
        g.setColor(color);
        g.fillRect(0, 0, width, height);
        g.dispose();
        return image;
    }

    static byte[] solidPng(int width, int height, Color color) {
        return encode(solidImage(width, height, color, BufferedImage.TYPE_BYTE_INDEXED), "png");
    }

    static byte[] encode(BufferedImage image, String format) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            assertThat(ImageIO.write(image, format, out)).isTrue();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code png} with the picture size in its IHDR header changed (and the chunk CRC fixed). */
    static byte[] withHeaderSize(byte[] png, int width, int height) {
        byte[] out = png.clone();
        ByteBuffer header = ByteBuffer.wrap(out);
        assertThat(new String(out, 12, 4, StandardCharsets.US_ASCII)).isEqualTo("IHDR");
        header.putInt(16, width).putInt(20, height);
        CRC32 crc = new CRC32();
        crc.update(out, 12, 4 + 13);
        header.putInt(12 + 4 + 13, (int) crc.getValue());
        return out;
    }

    /** The most frequent fully opaque colour: the tile behind the drawing. */
    static int dominantOpaqueColour(BufferedImage image) {
        Map<Integer, Integer> counts = new HashMap<>();
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int argb = image.getRGB(x, y);
                if (argb >>> 24 == 0xFF) {
                    counts.merge(argb, 1, Integer::sum);
                }
            }
        }
        return counts.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }

    /** Sum of absolute channel differences of two RGB colours. */
    static int distance(int a, int b) {
        return Math.abs((a >> 16 & 0xFF) - (b >> 16 & 0xFF)) + Math.abs((a >> 8 & 0xFF) - (b >> 8 & 0xFF))
                + Math.abs((a & 0xFF) - (b & 0xFF));
    }

    /** The picture over white, averaged over {@link #BLOCK_PIXELS}-square blocks: r, g, b per block. */
    static double[] blocks(BufferedImage image) {
        int side = image.getWidth() / BLOCK_PIXELS;
        double[] out = new double[side * side * 3];
        for (int y = 0; y < side * BLOCK_PIXELS; y++) {
            for (int x = 0; x < side * BLOCK_PIXELS; x++) {
                int argb = image.getRGB(x, y);
                double alpha = (argb >>> 24) / 255.0;
                int block = ((y / BLOCK_PIXELS) * side + x / BLOCK_PIXELS) * 3;
                for (int c = 0; c < 3; c++) {
                    int channel = argb >> (16 - 8 * c) & 0xFF;
                    out[block + c] += (channel * alpha + 255 * (1 - alpha)) / (BLOCK_PIXELS * BLOCK_PIXELS);
                }
            }
        }
        return out;
    }

    static double meanDifference(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += Math.abs(a[i] - b[i]);
        }
        return sum / a.length;
    }
}
