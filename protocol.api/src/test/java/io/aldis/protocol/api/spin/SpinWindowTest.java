package io.aldis.protocol.api.spin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SpinWindowTest {
    private static final long US = 1_000;

    private static void record(SpinWindow window, long spellNanos, int times) {
        for (int i = 0; i < times; i++) {
            window.idleEnded(spellNanos);
        }
    }

    @Test
    void withoutIdleSpellsYetItDoesNotSpin() {
        assertThat(new SpinWindow(200, TimeUnit.MICROSECONDS).windowNanos()).isZero();
    }

    @Test
    void theWindowIsTwiceTheMedianSpell() {
        SpinWindow window = new SpinWindow(200, TimeUnit.MICROSECONDS);
        record(window, 30 * US, 9);
        record(window, 5_000 * US, 7);
        assertThat(window.windowNanos()).isEqualTo(60 * US);
    }

    @Test
    void theWindowNeverExceedsTheCap() {
        SpinWindow window = new SpinWindow(200, TimeUnit.MICROSECONDS);
        record(window, 150 * US, SpinWindow.SAMPLES);
        assertThat(window.windowNanos()).isEqualTo(200 * US);
    }

    @Test
    void spellsLongerThanTheCapStopTheSpinAndShortOnesBringItBack() {
        SpinWindow window = new SpinWindow(200, TimeUnit.MICROSECONDS);
        record(window, 20 * US, SpinWindow.SAMPLES);
        assertThat(window.windowNanos()).isEqualTo(40 * US);

        // the node went quiet: calls now come seconds apart
        record(window, TimeUnit.SECONDS.toNanos(2), SpinWindow.SAMPLES / 2 + 1);
        assertThat(window.windowNanos()).isZero();

        record(window, 20 * US, SpinWindow.SAMPLES / 2 + 1);
        assertThat(window.windowNanos()).isEqualTo(40 * US);
    }

    @Test
    void aCapOfZeroNeverSpinsAndAChangedCapAppliesAtOnce() {
        SpinWindow window = new SpinWindow(0, TimeUnit.MICROSECONDS);
        record(window, 10 * US, SpinWindow.SAMPLES);
        assertThat(window.windowNanos()).isZero();

        window.cap(100, TimeUnit.MICROSECONDS);
        assertThat(window.windowNanos()).isEqualTo(20 * US);
        window.cap(15, TimeUnit.MICROSECONDS);
        assertThat(window.windowNanos()).isEqualTo(15 * US);
        window.cap(0, TimeUnit.MICROSECONDS);
        assertThat(window.windowNanos()).isZero();
    }

    @Test
    void aNegativeCapIsRefused() {
        assertThatThrownBy(() -> new SpinWindow(-1, TimeUnit.MICROSECONDS))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
