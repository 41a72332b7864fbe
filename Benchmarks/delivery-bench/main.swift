print("delivery-bench: not written yet")
