package dev.portcullis.cloud;

import dev.portcullis.engine.Direction;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;

/**
 * Every call of {@link CloudPort}, found by reflection and made with sample arguments, for tests
 * that must hold for each call, the ones added to the port later included. Every call takes the
 * region first.
 */
public final class PortCalls {
  private PortCalls() {}

  /** A call a cloud received: the method and its arguments. */
  public record Received(Method method, List<Object> arguments) {}

  /** The port's calls, abstract and default, each named by its method's name. */
  public static Stream<Named<Method>> methods() {
    return Arrays.stream(CloudPort.class.getMethods())
        .filter(m -> !Modifier.isStatic(m.getModifiers()))
        .sorted(Comparator.comparing(Method::getName))
        .map(m -> Named.of(m.getName(), m));
  }

  /** Arguments for {@code call}, each one distinct from the others. */
  public static List<Object> arguments(Method call) {
    Class<?>[] types = call.getParameterTypes();
    return IntStream.range(0, types.length).mapToObj(i -> sample(types[i], i)).toList();
  }

  /** What a cloud made by {@link #recording} answers to {@code call}: null for a void call. */
  public static Object answer(Method call) {
    return call.getReturnType() == void.class ? null : sample(call.getReturnType(), 0);
  }

  /**
   * A cloud that adds every call it receives to {@code into} and gives the call's {@link #answer};
   * a page it answers is the last one.
   */
  public static CloudPort recording(List<Received> into) {
    return (CloudPort)
        Proxy.newProxyInstance(
            CloudPort.class.getClassLoader(),
            new Class<?>[] {CloudPort.class},
            (proxy, method, args) -> {
              into.add(new Received(method, Arrays.asList(args)));
              return answer(method);
            });
  }

  /** Makes {@code call} on {@code cloud}, throwing what the call throws. */
  public static Object call(Method call, CloudPort cloud, List<Object> arguments) {
    try {
      return call.invoke(cloud, arguments.toArray());
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new AssertionError(e.getCause());
    } catch (IllegalAccessException e) {
      throw new AssertionError(e);
    }
  }

  private static Object sample(Class<?> type, int i) {
    if (type == String.class) {
      return "arg" + i;
    }
    if (type == Integer.class) {
      return 100 + i;
    }
    if (type == Direction.class) {
      return Direction.EGRESS;
    }
    if (type == Map.class) {
      return Map.of("key" + i, "value" + i);
    }
    if (type == List.class || type == Collection.class) {
      return List.of("item" + i);
    }
    if (type == GroupFilter.class) {
      return GroupFilter.ids("sg-" + i);
    }
    if (type == InstanceFilter.class) {
      return new InstanceFilter(List.of("i-" + i), Map.of());
    }
    if (type == Page.class) {
      return new Page<>(List.of("item" + i), null);
    }
    if (type == SecurityGroupInfo.class) {
      return new SecurityGroupInfo("sg-" + i, "name", "description", "vpc", Map.of(), List.of());
    }
    throw new AssertionError("no sample " + type.getName() + " yet: add one here");
  }
}
