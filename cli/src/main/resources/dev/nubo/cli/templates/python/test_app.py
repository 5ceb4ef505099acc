import unittest

from app import greet


class GreetTest(unittest.TestCase):
    def test_greets_by_name(self):
        self.assertEqual(greet("Ada"), {"message": "Hello, Ada"})

    def test_greets_the_world_without_a_name(self):
        self.assertEqual(greet(None), {"message": "Hello, world"})


if __name__ == "__main__":
    unittest.main()
