package org.xenproject.eliloader.profile;

import java.util.ArrayList;
import java.util.List;

/**
 * A profile's install rounds: round 1, 2, … each a non-empty list of action names, run in order
 * at one VM start. After the last round the VM boots with pygrub.
 */
public record RoundPlan(List<Round> rounds) {

    /** One round: its number (from 1) and its actions in order. */
    public record Round(int number, List<String> actions) {
        public Round {
            actions = List.copyOf(actions);
        }
    }

    public RoundPlan {
        rounds = List.copyOf(rounds);
    }

    /** A plan from each round's action names, round 1 first. */
    public static RoundPlan of(List<List<String>> actionLists) {
        List<Round> rounds = new ArrayList<>();
        for (List<String> actions : actionLists) {
            rounds.add(new Round(rounds.size() + 1, actions));
        }
        return new RoundPlan(rounds);
    }

    /** How many rounds the install has. */
    public int size() {
        return rounds.size();
    }

    /** Whether the plan has round {@code number}. */
    public boolean has(int number) {
        return number >= 1 && number <= rounds.size();
    }

    /** Round {@code number} (from 1); see {@link #has(int)}. */
    public Round round(int number) {
        if (!has(number)) {
            throw new IllegalArgumentException("no round " + number + " in a plan of " + rounds.size());
        }
        return rounds.get(number - 1);
    }

    /** Whether round {@code number} is the last, after which the VM boots with pygrub. */
    public boolean isLast(int number) {
        return number == rounds.size();
    }

    /** Each round's action names, round 1 first (for tests and listings). */
    public List<List<String>> actionLists() {
        return rounds.stream().map(Round::actions).toList();
    }
}
