"""What the evidence shows, as values: agreement between coders, sensitivity, findings, counts, vocabulary."""
