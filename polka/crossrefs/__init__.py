"""Links between different features' objects: registry, link table, and the address that follows one."""
