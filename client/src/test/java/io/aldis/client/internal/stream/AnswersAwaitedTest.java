package io.aldis.client.internal.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.util.Timeout;
import java.lang.reflect.Proxy;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** When the client shares its connection between streams and calls, with the timer run by the test. */
class AnswersAwaitedTest {
    /** Timer tasks the client scheduled, run when the test says so. */
    private final Queue<Runnable> timer = new ArrayDeque<>();
    private final AtomicInteger lifts = new AtomicInteger();
    private final AnswersAwaited answers = new AnswersAwaited(host(), lifts::incrementAndGet);

    /** A host whose only working part is its timer. */
    private StreamHost host() {
        return (StreamHost) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {StreamHost.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("schedule")) {
                        timer.add((Runnable) args[0]);
                        return Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Timeout.class},
                                (p, m, a) -> null);
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    private void tick() {
        for (int n = timer.size(); n > 0; n--) {
            timer.poll().run();
        }
    }

    @Test
    void sharingLastsWhileCallsWaitAndStopsOnceATickPassedWithoutOne() {
        assertThat(answers.sharing()).isFalse();
        answers.callStarted();
        answers.callStarted();
        assertThat(answers.sharing()).isTrue();
        answers.callEnded();
        assertThat(timer).as("one call still waits").isEmpty();
        answers.callEnded();
        assertThat(answers.sharing()).as("not before a tick without calls").isTrue();
        assertThat(timer).hasSize(1);

        tick();
        assertThat(answers.sharing()).isFalse();
        assertThat(lifts).hasValue(1);
        assertThat(timer).isEmpty();
    }

    @Test
    void callsOneAfterTheOtherKeepTheSharingWithOneTimerTaskAtATime() {
        for (int i = 0; i < 1000; i++) {
            answers.callStarted();
            answers.callEnded();
        }
        assertThat(timer).as("one task for the whole run of calls").hasSize(1);
        answers.callStarted();
        tick();
        assertThat(answers.sharing()).as("a call waits at the tick").isTrue();
        assertThat(timer).isEmpty();

        answers.callEnded();
        answers.callStarted();
        answers.callEnded();
        tick();
        assertThat(answers.sharing()).as("calls came and went since the task was scheduled").isTrue();
        assertThat(timer).as("it waits for a quiet tick of its own").hasSize(1);
        tick();
        assertThat(answers.sharing()).isFalse();
        assertThat(lifts).hasValue(1);
    }

    @Test
    void aCallThatNeverEndsKeepsTheSharingAndSchedulesNothing() {
        answers.callStarted();
        tick();
        assertThat(answers.sharing()).isTrue();
        assertThat(timer).isEmpty();
        assertThat(lifts).hasValue(0);
    }
}
