package dev.portcullis.engine.eval.flowlog;

import java.util.Objects;

/**
 * Who a network interface's managed groups belong to: the SecurityGroupAttachment that put them on
 * it, by namespace and name. A denial is the verdict of every group the interface carries together,
 * so it is counted against the attachment, one series per attachment at most.
 */
public record Owner(String namespace, String attachment) {
  /** An interface no attachment manages. */
  public static final Owner UNMANAGED = new Owner("", "unmanaged");

  public Owner {
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(attachment, "attachment");
  }
}
