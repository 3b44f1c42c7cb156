package io.jobpulse.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SendWindowTest {

    @Test
    void aPingEveryQuarterWindowAndTheWindowShutsUntilOneIsAnswered() {
        SendWindow window = new SendWindow(1000);
        assertThat(window.pingDue(0)).isEqualTo(-1);
        window.sent(250);
        long first = window.pingDue(1);
        assertThat(first).isPositive();
        assertThat(window.pingDue(2)).as("no second ping for the same bytes").isEqualTo(-1);
        window.sent(250);
        long second = window.pingDue(3);
        window.sent(250);
        window.pingDue(4);
        window.sent(250);
        assertThat(window.open()).isFalse();

        window.answered(second);
        assertThat(window.unconfirmedBytes()).isEqualTo(500);
        assertThat(window.open()).isTrue();
        assertThat(second).isGreaterThan(first);
    }

    @Test
    void theOldestUnansweredPingAgesUntilAnswered() {
        SendWindow window = new SendWindow(1000);
        window.sent(300);
        long ping = window.pingDue(100);
        assertThat(window.oldestUnansweredNanos(600)).isEqualTo(500);
        window.answered(ping);
        assertThat(window.oldestUnansweredNanos(700)).isZero();
        assertThat(window.unconfirmedBytes()).isZero();
    }

    @Test
    void aShutWindowWithNoPingOutstandingAsksForOne() {
        SendWindow window = new SendWindow(1000);
        window.sent(200);
        window.sent(900); // one big message shuts the window before a quarter-window ping was due
        long ping = window.pingDue(0);
        assertThat(ping).isPositive();
        window.answered(ping);
        assertThat(window.open()).isTrue();
    }

    @Test
    void unknownOrOldAnswersChangeNothing() {
        SendWindow window = new SendWindow(1000);
        window.sent(300);
        long ping = window.pingDue(0);
        window.answered(ping - 1);
        assertThat(window.unconfirmedBytes()).isEqualTo(300);
    }
}
