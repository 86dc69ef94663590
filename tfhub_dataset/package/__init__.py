"""Tables -> release folder: files rendered (write), validated (validate), staged and swapped
into place (stage)."""
