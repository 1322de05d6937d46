package dev.portcullis.engine.eval.flowlog;

import java.util.Arrays;
import java.util.Collection;
import java.util.TreeSet;

/**
 * The bounded {@code port} label of the flow meters: a destination port is its own label when it is
 * a classic port (FTP, SSH, HTTP, HTTPS, RDP) or one that a managed rule names on its own, and
 * {@code other} otherwise, so that a scan of every port makes a handful of series, not 65,536.
 */
public final class PortLabels {
  /** FTP, SSH, HTTP, HTTPS and RDP: the ports a denial is most often about. */
  public static final int[] CLASSIC = {21, 22, 80, 443, 3389};

  public static final String OTHER = "other";

  private final int[] ports;
  private final String[] labels;

  private PortLabels(int[] ports) {
    this.ports = ports;
    this.labels = Arrays.stream(ports).mapToObj(Integer::toString).toArray(String[]::new);
  }

  /** The classic ports and {@code named} (ports outside 0-65535 are ignored). */
  public static PortLabels of(Collection<Integer> named) {
    TreeSet<Integer> all = new TreeSet<>();
    for (int p : CLASSIC) {
      all.add(p);
    }
    for (Integer p : named) {
      if (p != null && p >= 0 && p <= 65535) {
        all.add(p);
      }
    }
    return new PortLabels(all.stream().mapToInt(Integer::intValue).toArray());
  }

  /** The label of a destination port. */
  public String label(int port) {
    int i = Arrays.binarySearch(ports, port);
    return i >= 0 ? labels[i] : OTHER;
  }

  /** How many ports have a label of their own. */
  public int size() {
    return ports.length;
  }
}
