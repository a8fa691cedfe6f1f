package org.xenproject.eliloader.profile;

import java.util.regex.Pattern;

import org.xenproject.eliloader.error.BootloaderException;
import org.xenproject.eliloader.error.ErrorCode;

/**
 * Regular expressions of profiles (site files included) run on values a repository controls:
 * java.util.regex backtracks, so a nested quantifier against a long value could run for ever.
 * Here the value is cut to {@link #MAX_INPUT} characters and read through a {@link CharSequence}
 * that counts every character the engine looks at; past {@link #MAX_STEPS} the match is given up
 * with {@code LIMITS} naming the rule. A linear-time pattern reads each character a few times, far
 * below the budget.
 */
final class BoundedRegex {
    /** The longest part of a value a rule looks at. */
    static final int MAX_INPUT = 64 * 1024;
    /** Characters the engine may read for one match. */
    static final long MAX_STEPS = 5_000_000;

    private BoundedRegex() {
    }

    /** Whether {@code pattern} is found in {@code value}; {@code where} names the rule for the error. */
    static boolean find(Pattern pattern, String value, String where) {
        String input = value.length() > MAX_INPUT ? value.substring(0, MAX_INPUT) : value;
        try {
            return pattern.matcher(new Counted(input, MAX_STEPS)).find();
        } catch (BudgetExceeded e) {
            throw new BootloaderException(ErrorCode.LIMITS, where + ": the regular expression /"
                    + org.xenproject.eliloader.error.MessageText.printable(pattern.pattern(), 100)
                    + "/ took more than " + MAX_STEPS + " steps on a " + input.length()
                    + "-character value and was stopped; make it linear (no nested quantifiers).");
        } catch (StackOverflowError e) {
            throw new BootloaderException(ErrorCode.LIMITS, where + ": the regular expression /"
                    + org.xenproject.eliloader.error.MessageText.printable(pattern.pattern(), 100)
                    + "/ recursed too deeply on a " + input.length() + "-character value.");
        }
    }

    private static final class BudgetExceeded extends RuntimeException {
        private static final long serialVersionUID = 1L;

        BudgetExceeded() {
            super(null, null, false, false);
        }
    }

    /** The text, counting reads; every view of it shares the count. */
    private static final class Counted implements CharSequence {
        private final String text;
        private final long[] left;

        Counted(String text, long budget) {
            this(text, new long[] {budget});
        }

        private Counted(String text, long[] left) {
            this.text = text;
            this.left = left;
        }

        @Override
        public char charAt(int index) {
            if (--left[0] < 0) {
                throw new BudgetExceeded();
            }
            return text.charAt(index);
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return new Counted(text.substring(start, end), left);
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
