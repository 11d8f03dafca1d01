package dev.baton.server.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DrainedInputTest {
    static final long MS = 1_000_000L;
    static final long WINDOW = DrainedInput.WINDOW_NANOS;

    final DrainedInput interceptor = new DrainedInput();
    final MockProcessorContext<Object, Object> context = new MockProcessorContext<>();

    /** A record handled as InstanceProcessor handles one under commit-when-drained, having written a command. */
    private void handled() {
        DrainedInput.awaitedWritten();
        handledWritingStatusOnly();
    }

    /** A record handled that wrote nothing anybody waits for (status events; commands went out early). */
    private void handledWritingStatusOnly() {
        if (DrainedInput.handled() && DrainedInput.commitAtOnce()) {
            context.commit();
        }
    }

    private static void handledAll(long n, Runnable handle) {
        for (long i = 0; i < n; i++) {
            handle.run();
        }
    }

    @AfterEach
    void forget() {
        DrainedInput.reset();
    }

    @Test
    void requestsACommitWhenTheLastRecordOfThePollIsHandledAndNotBefore() {
        interceptor.onConsume(records(3));

        handled();
        handled();
        assertThat(context.committed()).as("two of three handled").isFalse();

        handled();
        assertThat(context.committed()).as("all three handled").isTrue();
    }

    @Test
    void countsRecordsOfEveryPollUntilAllAreHandled() {
        interceptor.onConsume(records(2));
        handled();
        interceptor.onConsume(records(2)); // Kafka Streams polls again before it drained: one record is still buffered
        handled();
        handled();
        assertThat(context.committed()).isFalse();

        handled();
        assertThat(context.committed()).isTrue();
    }

    @Test
    void aThreadReceivingRecordsFasterThanAQuietOneDrainsWithoutACommitSoThatItCommitsOnItsInterval() {
        // Under load the polls are small too (each fetch brings what arrived since the last), but many arrive.
        long t = 0;
        for (; t < DrainedInput.QUIET_RECORDS / 4 * MS; t += MS) {
            DrainedInput.received(4, t);
            handledAll(4, this::handled);
        }
        assertThat(context.committed())
                .as("quiet until %d records", DrainedInput.QUIET_RECORDS)
                .isTrue();
        context.resetCommit();

        for (long end = t + 3 * WINDOW; t < end; t += MS) {
            DrainedInput.received(4, t);
            handledAll(4, this::handled);
            assertThat(DrainedInput.unhandled()).isZero();
            assertThat(context.committed())
                    .as("drained after a poll of 4 at %d ms, 4 records a millisecond", t / MS)
                    .isFalse();
        }
    }

    @Test
    void aThreadIsQuietAgainOnceTheWindowsOfItsBusyTimeHavePassed() {
        DrainedInput.received(DrainedInput.QUIET_RECORDS + 1, 0);
        handledAll(DrainedInput.QUIET_RECORDS + 1, this::handled);
        assertThat(context.committed()).as("busy").isFalse();

        DrainedInput.received(1, WINDOW);
        handled();
        assertThat(context.committed())
                .as("the busy window is still the previous one")
                .isFalse();

        DrainedInput.received(1, 2 * WINDOW);
        handled();
        assertThat(context.committed()).as("two windows later").isTrue();
    }

    @Test
    void aLongPauseForgetsEveryEarlierWindow() {
        DrainedInput.received(DrainedInput.QUIET_RECORDS, 0);
        handledAll(DrainedInput.QUIET_RECORDS, this::handledWritingStatusOnly);

        DrainedInput.received(DrainedInput.QUIET_RECORDS, 10 * WINDOW);
        handledAll(DrainedInput.QUIET_RECORDS, this::handled);
        assertThat(context.committed())
                .as(
                        "%d records now, the %d of long ago forgotten",
                        DrainedInput.QUIET_RECORDS, DrainedInput.QUIET_RECORDS)
                .isTrue();
    }

    @Test
    void aBurstOfStartsAtAQuietTimeCommitsAtOnce() {
        DrainedInput.received(20, 0);
        handledAll(20, this::handled);
        assertThat(context.committed()).isTrue();
    }

    @Test
    void anEmptyPollRequestsNothing() {
        interceptor.onConsume(records(0));
        assertThat(DrainedInput.unhandled()).isZero();
        assertThat(context.committed()).isFalse();
    }

    @Test
    void aRecordNobodyCountedRequestsNoCommitSoThatAProcessorWithoutTheInterceptorCommitsOnItsInterval() {
        handled();
        assertThat(context.committed()).isFalse();
        assertThat(DrainedInput.unhandled()).isZero();
    }

    @Test
    void aClosedTaskRestartsTheCount() {
        interceptor.onConsume(records(5));
        DrainedInput.tasksChanged();
        assertThat(DrainedInput.unhandled()).isZero();

        interceptor.onConsume(records(1));
        handled();
        assertThat(context.committed()).isTrue();
    }

    @Test
    void eachStreamThreadCountsItsOwnRecords() throws Exception {
        interceptor.onConsume(records(1));
        Thread other = new Thread(() -> interceptor.onConsume(records(DrainedInput.QUIET_RECORDS + 7)));
        other.start();
        other.join();

        handled();
        assertThat(context.committed()).isTrue();
    }

    @Test
    void aDrainedPollThatWroteOnlyStatusEventsRequestsNoCommitSoThatTheThreadStaysFreeForTheNextOutcome() {
        interceptor.onConsume(records(2));
        handledWritingStatusOnly();
        handledWritingStatusOnly();
        assertThat(DrainedInput.unhandled()).isZero();
        assertThat(context.committed()).as("drained, nothing awaited written").isFalse();

        interceptor.onConsume(records(2));
        handled(); // the result
        handledWritingStatusOnly();
        assertThat(context.committed())
                .as("drained, a result written before the last record")
                .isTrue();
    }

    @Test
    void aCommitAtOnceIsOwedOnlyOncePerAwaitedWrite() {
        interceptor.onConsume(records(1));
        handled();
        assertThat(context.committed()).isTrue();
        context.resetCommit();

        interceptor.onConsume(records(1));
        handledWritingStatusOnly();
        assertThat(context.committed())
                .as("the result was committed by the previous commit")
                .isFalse();
    }

    @Test
    void anAwaitedWriteWhileBusyWaitsForTheFirstDrainedPollOnceQuiet() {
        DrainedInput.received(DrainedInput.QUIET_RECORDS + 1, 0);
        handledAll(DrainedInput.QUIET_RECORDS + 1, this::handled);
        assertThat(context.committed()).isFalse();

        DrainedInput.received(1, 2 * WINDOW);
        handledWritingStatusOnly();
        assertThat(context.committed())
                .as("quiet and drained, with the busy time's commands still in the open transaction")
                .isTrue();
    }

    private static ConsumerRecords<byte[], byte[]> records(int n) {
        var partition = new TopicPartition("baton.callbacks", 0);
        List<ConsumerRecord<byte[], byte[]>> list = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(new ConsumerRecord<>(partition.topic(), 0, i, new byte[0], new byte[0]));
        }
        return new ConsumerRecords<>(n == 0 ? Map.of() : Map.of(partition, list), Map.of());
    }
}
