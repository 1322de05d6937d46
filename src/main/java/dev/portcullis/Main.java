package dev.portcullis;

public final class Main {
  public static void main(String[] args) {}
}
