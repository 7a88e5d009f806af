package io.aldis.protocol.api.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.aldis.protocol.api.FrameType;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class FrameLayoutsTest {

    @ParameterizedTest
    @EnumSource(FrameType.class)
    void everyTypeFindsTheLayoutThatDefinesIt(FrameType type) {
        FrameLayout<?> layout = FrameLayouts.of(type);

        assertThat(layout).isNotNull();
        assertThat(layout.type).isEqualTo(type);
    }

    @Test
    void noTwoTypesShareALayout() {
        Set<FrameLayout<?>> seen = new HashSet<>();
        for (FrameType type : EnumSet.allOf(FrameType.class)) {
            assertThat(seen.add(FrameLayouts.of(type))).as("layout of %s", type).isTrue();
        }
    }
}
