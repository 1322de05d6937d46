package dev.portcullis.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CreationQueueTest {
  final List<String> woken = new ArrayList<>();
  final long[] now = {0};
  final CreationQueue queue = new CreationQueue(2, woken::add, () -> now[0], 1_000);

  @Test
  void startsWithinItsSlotsAndQueuesTheRestInTheOrderTheyCame() {
    assertThat(queue.tryStart("a", false)).isTrue();
    assertThat(queue.tryStart("b", false)).isTrue();
    assertThat(queue.tryStart("c", false)).isFalse();
    assertThat(queue.tryStart("d", false)).isFalse();
    assertThat(queue.waiting()).isEqualTo(2);
    assertThat(woken).isEmpty();

    queue.finish("b");
    assertThat(woken).containsExactly("c");
    // a resource that was not granted the slot does not take it
    assertThat(queue.tryStart("d", false)).isFalse();
    assertThat(queue.tryStart("c", false)).isTrue();
    queue.finish("a");
    assertThat(woken).containsExactly("c", "d");
    assertThat(queue.tryStart("d", false)).isTrue();
    assertThat(queue.waiting()).isZero();
  }

  @Test
  void aGroupThatAnotherGroupWaitsForGoesFirst() {
    queue.tryStart("a", false);
    queue.tryStart("b", false);
    queue.tryStart("c", false);
    queue.tryStart("d", false);
    queue.tryStart("e", true); // a group named by one that exists already
    queue.await("d"); // found missing by a group that was created

    queue.finish("a");
    queue.finish("b");
    assertThat(woken).containsExactly("e", "d");
    assertThat(queue.tryStart("e", false)).isTrue();
    queue.finish("e");
    assertThat(woken).containsExactly("e", "d", "c");
  }

  @Test
  void aQueuedResourceThatGoesGivesUpItsPlaceAndItsSlot() {
    queue.tryStart("a", false);
    queue.tryStart("b", false);
    queue.tryStart("c", false);
    queue.tryStart("d", false);
    queue.forget("c");
    queue.forget("a");
    assertThat(woken).containsExactly("d");
    assertThat(queue.waiting()).isZero();
  }

  @Test
  void aTurnNotTakenUpInTimeGoesToTheNext() {
    queue.tryStart("a", false);
    queue.tryStart("b", false);
    queue.tryStart("c", false);
    queue.tryStart("d", false);
    queue.finish("a");
    assertThat(woken).containsExactly("c");

    now[0] = 1_001; // c never came
    assertThat(queue.tryStart("e", false)).isFalse();
    assertThat(woken).containsExactly("c", "d");
    // c comes late: its turn is gone, it queues again behind e
    assertThat(queue.tryStart("c", false)).isFalse();
    queue.finish("b");
    assertThat(woken).containsExactly("c", "d", "e");
  }

  @Test
  void aResourceHasWaitedSinceItWasFirstQueuedUntilItStarts() {
    queue.tryStart("a", false);
    queue.tryStart("b", false);
    now[0] = 100;
    assertThat(queue.tryStart("c", false)).isFalse();
    assertThat(queue.tryStart("d", false)).isFalse();
    assertThat(queue.waitedNanos("a")).as("started at once").isZero();

    now[0] = 400;
    assertThat(queue.tryStart("c", false)).isFalse(); // asking again keeps its place and its wait
    assertThat(queue.waitedNanos("c")).isEqualTo(300);
    queue.finish("a");
    now[0] = 1_500; // c's turn came and went: it queues again, still counting from 100
    assertThat(queue.tryStart("c", false)).isFalse();
    assertThat(queue.waitedNanos("c")).isEqualTo(1_400);

    queue.finish("b");
    assertThat(queue.tryStart(woken.get(woken.size() - 1), false)).isTrue();
    assertThat(queue.waitedNanos(woken.get(woken.size() - 1))).as("started").isZero();
    assertThat(queue.waitedNanos("d")).as("granted, not started yet").isEqualTo(1_400);
    queue.forget("d");
    assertThat(queue.waitedNanos("d")).as("gone").isZero();
    assertThat(queue.waitedNanos("x")).as("never queued").isZero();
  }

  @Test
  void aFreeSlotIsTakenAtOnceWithoutAWakeUp() {
    assertThat(queue.tryStart("a", false)).isTrue();
    assertThat(queue.tryStart("a", false)).isTrue(); // the same resource again: still its slot
    assertThat(queue.tryStart("b", false)).isTrue();
    assertThat(woken).isEmpty();
  }

  @Test
  void anUnboundedQueueNeverMakesAnyoneWait() {
    CreationQueue unbounded = CreationQueue.unbounded();
    for (int i = 0; i < 1_000; i++) {
      assertThat(unbounded.tryStart("g" + i, false)).isTrue();
    }
    assertThat(unbounded.waiting()).isZero();
  }
}
