package io.aldis.protocol.api.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.protocol.api.FrameType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Keeps the fuzz targets' seed inputs equal to the golden frames, so that fuzzing starts from every
 * frame layout and no second source of frame bytes exists: each golden frame of
 * {@link GoldenFramesTest} is a seed of its family's body target, and, behind its length prefix, of
 * {@link FrameDecoderFuzzTest} (with one more seed holding them all in one stream).
 *
 * <p>Run with {@code -Daldis.seeds.write=true} to write the seeds after changing a golden frame;
 * without it the test fails when a seed is missing or differs.
 */
class GoldenSeedsTest {
    private static final Path INPUTS = Path.of("src/test/resources/io/aldis/protocol/api/codec");
    private static final Map<String, List<FrameLayout<?>>> FAMILIES = families();

    private static Map<String, List<FrameLayout<?>>> families() {
        Map<String, List<FrameLayout<?>>> families = new LinkedHashMap<>();
        families.put("HandshakeFramesFuzzTest", HandshakeLayouts.ALL);
        families.put("ControlFramesFuzzTest", ControlLayouts.ALL);
        families.put("MessagingFramesFuzzTest", MessagingLayouts.ALL);
        families.put("RpcFramesFuzzTest", RpcLayouts.ALL);
        families.put("StreamFramesFuzzTest", StreamLayouts.ALL);
        families.put("TransferFramesFuzzTest", TransferLayouts.ALL);
        return families;
    }

    @Test
    void everyGoldenFrameSeedsItsTargets() throws IOException {
        boolean write = Boolean.getBoolean("aldis.seeds.write");
        Map<Path, byte[]> seeds = seeds();
        for (Map.Entry<Path, byte[]> seed : seeds.entrySet()) {
            Path file = INPUTS.resolve(seed.getKey());
            if (write) {
                Files.createDirectories(file.getParent());
                Files.write(file, seed.getValue());
            }
            assertThat(file).as("seed %s (write it with -Daldis.seeds.write=true)", seed.getKey()).exists();
            assertThat(Files.readAllBytes(file)).as("seed %s", seed.getKey()).isEqualTo(seed.getValue());
        }
    }

    private static Map<Path, byte[]> seeds() {
        Map<Path, byte[]> seeds = new LinkedHashMap<>();
        Map<FrameType, Integer> seen = new HashMap<>();
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        GoldenFramesTest.golden().forEach(arguments -> {
            FrameType type = (FrameType) arguments.get()[0];
            byte[] frame = Fixtures.hex((String) arguments.get()[2]);
            int n = seen.merge(type, 1, Integer::sum);
            String name = "golden-" + type.name().toLowerCase(Locale.ROOT).replace('_', '-') + (n > 1 ? "-" + n : "");
            seeds.put(Path.of(familyOf(type) + "Inputs", name), frame);
            byte[] prefixed = ByteBuffer.allocate(4 + frame.length).putInt(frame.length).put(frame).array();
            seeds.put(Path.of("FrameDecoderFuzzTestInputs", name), prefixed);
            stream.writeBytes(prefixed);
        });
        seeds.put(Path.of("FrameDecoderFuzzTestInputs", "golden-all-in-one-stream"), stream.toByteArray());
        return seeds;
    }

    private static String familyOf(FrameType type) {
        return FAMILIES.entrySet().stream()
                .filter(f -> f.getValue().stream().anyMatch(layout -> layout.type == type))
                .map(Map.Entry::getKey).findFirst().orElseThrow();
    }
}
