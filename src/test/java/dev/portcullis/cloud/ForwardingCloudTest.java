package dev.portcullis.cloud;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A forwarder hands every call of the port on, with its arguments, and gives its answer back, so
 * that a wrapper changes only the calls it overrides. A call added to the port fails here until the
 * forwarder hands it on, or is named below as one that runs on the forwarder's own calls.
 */
class ForwardingCloudTest {
  /**
   * The port's default methods that are not handed on: they follow a describe's pages with the
   * forwarder's own describe calls, so that a wrapper that changes a describe changes every page.
   */
  private static final Set<String> RUN_ON_OWN_CALLS =
      Set.of("describeAllSecurityGroups", "describeAllInstances", "describeAllNetworkInterfaces");

  @ParameterizedTest(name = "{0}")
  @MethodSource("dev.portcullis.cloud.PortCalls#methods")
  void everyCallIsHandedOnOrRunsOnTheForwardersOwnCalls(Method call) {
    boolean declared = declares(call);
    if (RUN_ON_OWN_CALLS.contains(call.getName())) {
      assertThat(call.isDefault()).isTrue();
      assertThat(declared).as("ForwardingCloud runs %s on its own calls", call).isFalse();
      return;
    }
    assertThat(declared)
        .as(
            "ForwardingCloud hands on %s: forward it, or name it in RUN_ON_OWN_CALLS if it is a"
                + " default method made of the port's other calls",
            call)
        .isTrue();

    List<PortCalls.Received> received = new ArrayList<>();
    List<Object> arguments = PortCalls.arguments(call);
    Object answer =
        PortCalls.call(call, new ForwardingCloud(PortCalls.recording(received)), arguments);

    assertThat(received).containsExactly(new PortCalls.Received(call, arguments));
    assertThat(answer).isEqualTo(PortCalls.answer(call));
  }

  private static boolean declares(Method call) {
    try {
      ForwardingCloud.class.getDeclaredMethod(call.getName(), call.getParameterTypes());
      return true;
    } catch (NoSuchMethodException e) {
      return false;
    }
  }
}
