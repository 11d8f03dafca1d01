package dev.baton.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BatchWindowTest {

    private static final BatchWindow DEMO = new BatchWindow(Duration.ofSeconds(8), Duration.ofSeconds(4));

    private static Duration s(double seconds) {
        return Duration.ofNanos(Math.round(seconds * 1e9));
    }

    @Test
    void startsOfflineThenAlternates() {
        assertThat(DEMO.isOnline(s(0))).isFalse();
        assertThat(DEMO.isOnline(s(7.999))).isFalse();
        assertThat(DEMO.isOnline(s(8))).isTrue();
        assertThat(DEMO.isOnline(s(11.999))).isTrue();
        assertThat(DEMO.isOnline(s(12))).isFalse();
        assertThat(DEMO.isOnline(s(19.5))).isFalse();
        assertThat(DEMO.isOnline(s(20))).isTrue();
        assertThat(DEMO.isOnline(s(1_000 * 12 + 9))).isTrue();
    }

    @Test
    void timeUntilTheNextSwitch() {
        assertThat(DEMO.untilNextSwitch(s(0))).contains(s(8));
        assertThat(DEMO.untilNextSwitch(s(3))).contains(s(5));
        assertThat(DEMO.untilNextSwitch(s(8))).contains(s(4));
        assertThat(DEMO.untilNextSwitch(s(10))).contains(s(2));
        assertThat(DEMO.untilNextSwitch(s(12))).contains(s(8));
        assertThat(DEMO.untilNextSwitch(s(23.5))).contains(s(0.5));
    }

    @Test
    void followingTheSwitchesGivesTheWholeSchedule() {
        List<String> switches = new ArrayList<>();
        Duration t = Duration.ZERO;
        boolean state = DEMO.isOnline(t);
        for (int i = 0; i < 6; i++) {
            t = t.plus(DEMO.untilNextSwitch(t).orElseThrow());
            boolean now = DEMO.isOnline(t);
            assertThat(now).isNotEqualTo(state);
            state = now;
            switches.add(t.toSeconds() + (now ? " on" : " off"));
        }
        assertThat(switches).containsExactly("8 on", "12 off", "20 on", "24 off", "32 on", "36 off");
    }

    @Test
    void cyclesAreCounted() {
        assertThat(DEMO.cycle(s(0))).isZero();
        assertThat(DEMO.cycle(s(11.9))).isZero();
        assertThat(DEMO.cycle(s(12))).isEqualTo(1);
        assertThat(DEMO.cycle(s(37))).isEqualTo(3);
    }

    @Test
    void zeroOfflineMeansAlwaysOnline() {
        BatchWindow w = BatchWindow.alwaysOnline();
        assertThat(w.isAlwaysOnline()).isTrue();
        assertThat(w.isOnline(s(0))).isTrue();
        assertThat(w.isOnline(s(123_456))).isTrue();
        assertThat(w.untilNextSwitch(s(5))).isEmpty();
        assertThat(new BatchWindow(Duration.ZERO, Duration.ofSeconds(1)).isAlwaysOnline())
                .isTrue();
    }

    @Test
    void rejectsBadDurations() {
        assertThatThrownBy(() -> new BatchWindow(Duration.ofSeconds(-1), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new BatchWindow(Duration.ofSeconds(1), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DEMO.isOnline(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
    }
}
